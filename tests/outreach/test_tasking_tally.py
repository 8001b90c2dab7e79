"""TaskingTally, the map's counts per tasking, audience and due date: kept exact by PostgreSQL's triggers."""

import importlib
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from outreach import dashboards, services
from outreach.dashboards import mapdata
from outreach.models import Demarche, PostTask, TaskingTally
from outreach.services.bounds import post_today
from outreach.services.errors import TransitionError
from tests.outreach.seed import task_of

K, S = PostTask.Kind, PostTask.Status
pytestmark = pytest.mark.postgres_only(reason="the TaskingTally triggers are PostgreSQL's")


def assert_tallies_exact():
    assert dashboards.stored_tallies() == dashboards.recomputed_tallies()


def tallied(demarche, **filters) -> dict[str, int]:
    """Each count summed over the demarche's tallies."""
    rows = TaskingTally.objects.filter(demarche=demarche, **filters)
    names = ("deliver_total", "talking_total", "report_total", "deliver_done")
    return {name: sum(getattr(row, name) for row in rows) for name in names}


def map_state(user, code: str) -> str:
    today = timezone.localdate()
    posts = mapdata.overview_map_posts(user, today=today, since=today - timedelta(days=30))
    return {p.code: p.state for p in posts}[code]


def test_issuing_tallies_the_live_tasks_and_closing_and_reopening_follow(demarche, desk_officer):
    assert demarche.tasks.count() > 20 and not TaskingTally.objects.exists()  # a draft is on no map
    services.issue_demarche(demarche, by=desk_officer)
    live = demarche.tasks.exclude(status=S.CANCELLED)
    counts = tallied(demarche)
    assert counts["report_total"] == live.filter(kind=K.REPORT_BACK).count() > 10
    assert counts["talking_total"] == live.filter(kind=K.TALKING_POINTS).count() > 10
    assert counts["deliver_total"] == live.filter(dashboards.expressions.DELIVERY).count() > 10
    # One row marked latest per tasking and audience: the map counts each demarche of a post once.
    taskings = set(live.values_list("demarche_post_id", "audience"))
    assert TaskingTally.objects.filter(latest=True).count() == len(taskings)
    assert_tallies_exact()
    services.close_demarche(demarche, by=desk_officer)
    assert not TaskingTally.objects.exists()
    services.reopen_demarche(demarche, by=desk_officer)
    assert tallied(demarche) == counts
    assert_tallies_exact()


def test_the_tallies_follow_each_step_and_the_map_reads_the_acknowledgement_live(
    issued, desk_officer, abu_dhabi_staff, manager
):
    abu_dhabi = issued.posts.get(post__code="abu-dhabi")
    assert map_state(manager, "abu-dhabi") == "not_acknowledged"
    before = set(TaskingTally.objects.values_list("pk", flat=True))
    services.acknowledge(abu_dhabi, by=abu_dhabi_staff)
    assert set(TaskingTally.objects.values_list("pk", flat=True)) == before  # nothing recounted
    assert map_state(manager, "abu-dhabi") == "acknowledged"
    for task in issued.tasks.filter(post__code="abu-dhabi").exclude(kind=K.REPORT_BACK):
        services.record_delivery(task, by=abu_dhabi_staff, delivered_on=post_today(task.post), method="meeting")
    assert_tallies_exact()
    assert map_state(manager, "abu-dhabi") == "delivered"
    services.submit_report(task_of(issued, "abu-dhabi", K.REPORT_BACK), by=abu_dhabi_staff, response="noted")
    assert map_state(manager, "abu-dhabi") == "reported"
    services.remove_post(abu_dhabi, by=desk_officer, reason="post closed")  # its done tasks stay counted
    assert map_state(manager, "abu-dhabi") == "reported"
    cairo = task_of(issued, "cairo", K.DELIVER_NON_PAPER)
    services.mark_not_delivered(cairo, by=desk_officer, reason="Ministry closed")
    assert map_state(manager, "cairo") == "not_delivered"
    assert_tallies_exact()


def test_a_write_the_map_does_not_read_leaves_the_tallies_alone(issued):
    task = task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER)
    rows = TaskingTally.objects.filter(demarche_post=task.demarche_post_id)
    before = set(rows.values_list("pk", flat=True))
    PostTask.objects.filter(pk=task.pk).update(status_reason="a note", updated_at=timezone.now())
    assert set(rows.values_list("pk", flat=True)) == before
    PostTask.objects.filter(pk=task.pk).update(due=task.due + timedelta(days=3))
    assert set(rows.values_list("pk", flat=True)).isdisjoint(before)  # that tasking recounted
    assert_tallies_exact()


def test_talking_points_become_the_delivery_when_the_non_paper_is_cancelled(issued):
    """The delivery rule reads a task's siblings: a change to one task recounts its whole tasking."""
    task = task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER)
    rows = TaskingTally.objects.filter(demarche_post=task.demarche_post_id)
    points = issued.tasks.filter(post__code="abu-dhabi", kind=K.TALKING_POINTS, audience="").count()
    assert points and tallied(issued, demarche_post=task.demarche_post_id)["deliver_total"] == 1
    PostTask.objects.filter(pk=task.pk).update(status=S.CANCELLED)
    assert sum(row.deliver_total for row in rows) == points
    assert_tallies_exact()


def test_the_migration_and_the_rebuild_count_what_the_triggers_keep(issued, demarche):
    TaskingTally.objects.all().delete()
    migration = importlib.import_module("outreach.migrations.0017_tasking_tally")
    with connection.schema_editor() as editor:
        migration.install(None, editor)
    assert TaskingTally.objects.exists()
    assert_tallies_exact()
    TaskingTally.objects.filter(pk=TaskingTally.objects.first().pk).update(deliver_done=99)
    assert dashboards.rebuild_stats() == 2  # the wrong row, and the right one it stands for
    assert_tallies_exact()
    assert dashboards.rebuild_stats() == 0


def at_once(*work) -> list[Exception]:
    """Run each callable in its own thread and connection, started together; return what they raised."""
    start, errors = threading.Barrier(len(work)), []

    def run(one):
        try:
            start.wait()
            one()
        except Exception as exc:  # returned: a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    running = [threading.Thread(target=run, args=(one,)) for one in work]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join(60)
    return errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_writers_to_one_tasking_at_once_leave_its_tallies_exact(issued, abu_dhabi_staff):
    """Each writer recounts the tasking after the one before it commits, so none writes counts missing
    another's change. An acknowledgement among them once deadlocked with the step that acknowledges too."""
    tasks = list(issued.tasks.filter(post__code="abu-dhabi").order_by("kind"))
    assert [task.kind for task in tasks] == [K.DELIVER_NON_PAPER, K.REPORT_BACK, K.TALKING_POINTS]
    errors = at_once(
        *[
            lambda task=task: services.record_delivery(
                task, by=abu_dhabi_staff, delivered_on=post_today(task.post), method="meeting"
            )
            for task in (tasks[0], tasks[2])
        ],
        lambda: services.submit_report(tasks[1], by=abu_dhabi_staff, response="noted"),
        lambda: services.acknowledge(issued.posts.get(post__code="abu-dhabi"), by=abu_dhabi_staff),
    )
    assert errors == []
    assert_tallies_exact()
    abu_dhabi = TaskingTally.objects.filter(demarche=issued, post__code="abu-dhabi")
    done = [sum(getattr(row, f"{step}_done") for row in abu_dhabi) for step in ("deliver", "talking", "report")]
    assert done == [1, 1, 1]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_closing_while_posts_record_steps_waits_for_them_or_refuses_them(issued, desk_officer, make_embassy_user):
    """Closing locks the demarche, then its tasks; a step locked its task, then the demarche: at once,
    they deadlocked. Now each step is recorded before the closing, or refused after it."""
    codes = ["abu-dhabi", "riyadh", "kuwait", "cairo"]
    staff = make_embassy_user("gulf-staff", *codes)
    tasks = [task_of(issued, code, K.DELIVER_NON_PAPER) for code in codes]
    errors = at_once(
        lambda: services.close_demarche(issued, by=desk_officer),
        *[
            lambda task=task: services.record_delivery(
                task, by=staff, delivered_on=post_today(task.post), method="meeting"
            )
            for task in tasks
        ],
    )
    assert all(isinstance(error, (TransitionError, PermissionDenied)) for error in errors), errors
    statuses = set(PostTask.objects.filter(pk__in=[task.pk for task in tasks]).values_list("status", flat=True))
    assert statuses <= {S.DONE, S.CANCELLED}
    assert Demarche.objects.get(pk=issued.pk).state == Demarche.State.CLOSED
    assert_tallies_exact()
    assert not TaskingTally.objects.exists()
