"""The dashboards' denormalised data: PostTask.issued_on, DemarcheStats (and TaskingTally), kept exact by services and triggers."""

import importlib
from datetime import date, datetime
from datetime import timezone as dt_timezone

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone

from cables.models import Post
from outreach import dashboards, services
from outreach.dashboards import expressions
from outreach.models import Demarche, DemarcheStats, PostTask
from outreach.services.bounds import post_today
from tests.outreach.factories import make_task
from tests.outreach.seed import task_of

K, S = PostTask.Kind, PostTask.Status
pytestmark = pytest.mark.postgres_only(reason="the DemarcheStats triggers are PostgreSQL's")


def issue_dates(demarche) -> set:
    return set(demarche.tasks.values_list("issued_on", flat=True))


def assert_stats_exact():
    stored, fresh = dashboards.stored_stats(), dashboards.recomputed_stats()
    assert stored == fresh
    assert dashboards.stored_tallies() == dashboards.recomputed_tallies()  # the map's (test_tasking_tally.py)


def test_draft_tasks_have_no_issue_date_and_issuing_dates_them_all(demarche, desk_officer):
    assert demarche.tasks.count() > 20
    assert issue_dates(demarche) == {None}
    issued = services.issue_demarche(demarche, by=desk_officer)
    assert issue_dates(issued) == {timezone.localdate(issued.issued_at)}


def test_a_post_added_after_issue_carries_the_demarches_issue_date(issued, desk_officer):
    issued.issued_at = datetime(2026, 11, 2, 23, 30, tzinfo=dt_timezone.utc)
    issued.save(update_fields=["issued_at"])
    london = Post.objects.get(code="london")
    services.add_post(issued, london, by=desk_officer)
    added = issued.tasks.filter(post=london)
    assert added.exists()
    assert set(added.values_list("issued_on", flat=True)) == {date(2026, 11, 2)}


def test_the_trigger_dates_tasks_written_directly_and_undoes_a_stale_save(issued, desk_officer):
    post = Post.objects.get(code="london")
    task = make_task(issued, post, due=date(2026, 12, 1))
    task.refresh_from_db()
    assert task.issued_on == timezone.localdate(issued.issued_at)
    # Moving the issue date moves every task's.
    Demarche.objects.filter(pk=issued.pk).update(issued_at=datetime(2025, 3, 4, 9, tzinfo=dt_timezone.utc))
    assert issue_dates(issued) == {date(2025, 3, 4)}
    # A full save of an object read before that writes the old date back: the trigger puts it right.
    task.status_reason = "touched"
    task.save()
    task.refresh_from_db()
    assert task.issued_on == date(2025, 3, 4)


def test_every_demarche_gets_a_stats_row_counting_its_posts_and_tasks(demarche, issued):
    stats = DemarcheStats.objects.get(demarche=issued)
    live = issued.tasks.exclude(status=S.CANCELLED)
    assert stats.posts == issued.posts.filter(removed=False).count() > 10
    assert stats.delivery_total == live.filter(expressions.DELIVERY).count() > 10
    assert stats.report_total == live.filter(kind=K.REPORT_BACK).count() > 10
    assert (stats.delivery_done, stats.report_done) == (0, 0)


def test_a_drafts_sort_keys_are_null_and_issuing_sets_them(demarche, desk_officer):
    """The stored percentages hold the list's rule that drafts show none, whoever changes the state."""
    stats = DemarcheStats.objects.get(demarche=demarche)
    assert stats.draft and stats.delivery_total > 10 and (stats.delivery_pct, stats.report_pct) == (None, None)
    services.issue_demarche(demarche, by=desk_officer)
    stats.refresh_from_db()
    assert not stats.draft and (stats.delivery_pct, stats.report_pct) == (0.0, 0.0)
    deliver = demarche.tasks.filter(kind=K.DELIVER_NON_PAPER).first()
    services.record_delivery(deliver, by=desk_officer, delivered_on=post_today(deliver.post), method="meeting")
    stats.refresh_from_db()
    assert stats.delivery_pct == stats.delivery_done * 100.0 / stats.delivery_total > 0
    Demarche.objects.filter(pk=demarche.pk).update(state=Demarche.State.DRAFT)  # a write outside the services
    assert DemarcheStats.objects.get(demarche=demarche).delivery_pct is None
    assert_stats_exact()


def test_the_migration_sets_each_rows_draft_flag_from_its_demarche(demarche, issued):
    """Rows made before the flag existed all start as drafts; migration 0016 sets them from the demarches."""
    migration = importlib.import_module("outreach.migrations.0016_stats_sort_keys")
    DemarcheStats.objects.update(draft=True)
    with connection.schema_editor() as editor:
        migration.install(None, editor)
    assert dict(DemarcheStats.objects.values_list("demarche_id", "draft")) == {demarche.pk: True, issued.pk: False}
    assert DemarcheStats.objects.get(demarche=issued).report_pct == 0.0
    assert_stats_exact()


def test_stats_stay_equal_to_a_recount_through_a_mixed_sequence(issued, desk_officer, abu_dhabi_staff):
    deliver = task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER)
    report = task_of(issued, "abu-dhabi", K.REPORT_BACK)
    services.record_delivery(deliver, by=abu_dhabi_staff, delivered_on=post_today(deliver.post), method="meeting")
    assert_stats_exact()
    services.submit_report(report, by=abu_dhabi_staff, response="welcomed", response_text="Will consider it.")
    assert_stats_exact()
    assert DemarcheStats.objects.get(demarche=issued).report_done == 1
    services.reopen(report, by=desk_officer, reason="wrong cable")
    assert_stats_exact()
    other = (
        issued.tasks.filter(kind=K.DELIVER_NON_PAPER, status=S.OPEN).exclude(post__code="abu-dhabi").first()
    )
    services.mark_not_delivered(other, by=desk_officer, reason="No appointment granted")
    assert_stats_exact()
    services.reopen(other, by=desk_officer, reason="appointment granted after all")
    services.record_delivery(other, by=desk_officer, delivered_on=post_today(other.post), method="note")
    assert_stats_exact()
    # Taking a post off cancels its open tasks (its done delivery stays); bringing it back restores them.
    dpost = issued.posts.get(post__code="abu-dhabi")
    services.remove_post(dpost, by=desk_officer, reason="post closed")
    assert_stats_exact()
    services.add_post(issued, dpost.post, by=desk_officer)
    assert_stats_exact()
    services.add_post(issued, Post.objects.get(code="london"), by=desk_officer)
    services.bulk_extend(issued, post_ids=[dpost.post_id], by=desk_officer, deliver_by=date(2027, 1, 5))
    assert_stats_exact()
    # Writes outside the services count too: a direct bulk update and deletes.
    issued.tasks.filter(kind=K.REPORT_BACK, post__code="london").update(status=S.DONE)
    issued.tasks.filter(kind=K.TALKING_POINTS).delete()
    issued.tasks.filter(post__code="london", kind=K.DELIVER_NON_PAPER).delete()
    assert_stats_exact()
    stats = DemarcheStats.objects.get(demarche=issued)
    assert stats.delivery_done == 2 and stats.report_done >= 1
    assert dashboards.rebuild_stats() == 0


def test_deleting_a_demarche_takes_its_stats_row(demarche):
    demarche.delete()
    assert not DemarcheStats.objects.exists()


def test_rebuild_repairs_a_drifted_row_and_the_command_says_so(issued, capsys):
    DemarcheStats.objects.filter(demarche=issued).update(delivery_done=99, posts=0)
    call_command("rebuild_dashboard_stats")
    assert "1 row(s) were wrong or missing" in capsys.readouterr().out
    assert_stats_exact()
    assert DemarcheStats.objects.get(demarche=issued).delivery_done == 0
    call_command("rebuild_dashboard_stats")
    assert "0 row(s)" in capsys.readouterr().out


def test_the_demarche_list_reads_the_same_figures_as_the_tasks_give(
    issued, demarche, desk_officer, manager, abu_dhabi_staff, seed_cable
):
    abu_dhabi_task = task_of(issued, "abu-dhabi", K.DELIVER_NON_PAPER)
    services.record_delivery(
        abu_dhabi_task,
        by=abu_dhabi_staff,
        delivered_on=post_today(abu_dhabi_task.post),
        method="meeting",
    )
    services.submit_report(task_of(issued, "abu-dhabi", K.REPORT_BACK), by=abu_dhabi_staff, response="noted")
    draft = Demarche.objects.create(
        cable=seed_cable,
        reference_id="26STATE901",
        owner=desk_officer,
        deliver_by=date(2026, 12, 1),
        report_by=date(2026, 12, 8),
    )
    make_task(draft, Post.objects.get(code="london"), due=date(2026, 12, 1), status=S.DONE)
    empty = Demarche.objects.create(
        cable=seed_cable,
        reference_id="26STATE902",
        owner=desk_officer,
        state=Demarche.State.ISSUED,
        issued_at=timezone.now(),
        deliver_by=date(2026, 12, 1),
        report_by=date(2026, 12, 8),
    )
    today = date(2009, 2, 1)
    rows = {d.pk: d for d in dashboards.demarches_with_figures(manager, today=today)}
    assert set(rows) == {issued.pk, draft.pk, empty.pk}
    for pk, row in rows.items():
        tasks = dashboards.live_tasks(manager).filter(demarche_id=pk)
        expected = tasks.aggregate(
            d=expressions.percent(expressions.DONE, expressions.DELIVERY),
            r=expressions.percent(expressions.DONE, expressions.REPORT),
        )
        posts = Demarche.objects.get(pk=pk).posts.filter(removed=False).count()
        assert (row.posts_count, row.delivered_pct, row.reported_pct) == (posts, expected["d"], expected["r"])
    assert rows[draft.pk].delivered_pct is None and rows[empty.pk].delivered_pct is None
    assert 0 < rows[issued.pk].delivered_pct < 100
    by_pct = dashboards.demarches_with_figures(manager, today=today).order_by(
        F("reported_pct").desc(nulls_last=True)
    )
    assert [d.pk for d in by_pct][0] == issued.pk
