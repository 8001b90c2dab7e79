"""Sizes, as a class: text and list limits at every way in, bounded history, a byte budget on every page,
and bodies too large or too deep answered with a 4xx that says why (issue 14, sections 1, 4 and 5).
"""

import codecs
import json

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from outreach import services
from outreach.models import PostTask, TaskEvent
from outreach.services import bounds
from outreach.services.history import EVENTS_ON_PAGE, EXCERPT

from .test_url_walk import client_for, walk

# Every page, for the largest data the limits allow. Measured: the largest is a task page, about 1.6 MB
# (instruction, response, officials and its thread's latest messages at their limits, every character
# escaped); 1 MB without the thread.
PAGE_BUDGET = 2 * 1024 * 1024
# Worst case for HTML escaping: every character becomes an entity.
NASTY = "<&'\">"


def text(n: int, seed: str = "") -> str:
    return (seed + NASTY * (n // len(NASTY) + 1))[:n]


def own_task(world, kind=PostTask.Kind.DELIVER_NON_PAPER, code="abu-dhabi") -> PostTask:
    return PostTask.objects.get(pk__in=world.tasks_by_post[code], kind=kind, audience="")


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


# ---------------------------------------------------------------- limits at every way in


@pytest.mark.django_db
def test_the_service_refuses_text_over_the_limit_and_keeps_the_task(world):
    task = own_task(world, PostTask.Kind.REPORT_BACK)
    with pytest.raises(ValidationError) as refused:
        services.submit_report(task, by=world.users["ad"], version=task.version, response="noted",
                               response_text="x" * (bounds.MAX_TEXT + 1))
    assert refused.value.message_dict["response_text"] == ["At most 20,000 characters; this is 20,001."]
    assert PostTask.objects.get(pk=task.pk).status == "open"


@pytest.mark.django_db
def test_the_api_refuses_text_and_lists_over_the_limit(world):
    task = own_task(world, PostTask.Kind.REPORT_BACK)
    api = api_for(world.users["ad"])
    too_long = api.patch(f"/api/tasks/{task.pk}/", {"status": "done", "version": 1, "response": "noted",
                                                    "response_text": "x" * (bounds.MAX_TEXT + 1)}, format="json")
    too_many = api.patch(f"/api/tasks/{task.pk}/", {"status": "done", "version": 1, "response": "noted",
                                                    "officials": [{"name": "A"}] * (bounds.MAX_OFFICIALS + 1)},
                         format="json")
    assert too_long.status_code == 400 and "response_text" in too_long.json()
    assert too_many.status_code == 400 and "officials" in too_many.json()
    assert PostTask.objects.get(pk=task.pk).status == "open"


@pytest.mark.django_db
def test_the_task_form_refuses_text_over_the_limit_and_keeps_what_was_typed(world):
    task = own_task(world, PostTask.Kind.REPORT_BACK)
    typed = "Typed by the post. " + "y" * bounds.MAX_TEXT
    response = client_for(world, "ad").post(f"/tasks/{task.pk}/report/", {
        "version": task.version, "response": "noted", "response_text": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert "At most 20,000 characters; this is 20,019." in page and typed in page
    assert PostTask.objects.get(pk=task.pk).status == "open"


@pytest.mark.django_db
def test_the_admin_refuses_text_over_the_limit(client, django_user_model, world):
    from django.forms.models import model_to_dict

    task = own_task(world)
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw"))
    url = f"/admin/outreach/posttask/{task.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in model_to_dict(task, fields=form.fields).items() if value is not None}
    data.update(instruction="z" * (bounds.MAX_TEXT + 1), talking_points=json.dumps(task.talking_points),
                officials="[]", releasable_to=json.dumps(task.releasable_to))
    response = client.post(url, data)
    assert response.status_code == 200
    assert "At most 20,000 characters" in response.content.decode()
    assert PostTask.objects.get(pk=task.pk).version == task.version


# ---------------------------------------------------------------- history stays bounded


@pytest.mark.django_db
def test_history_of_alternating_long_texts_keeps_excerpts_and_the_page_the_latest(world):
    """58 PATCHes alternating 5 MiB texts once made a 435 MB page; at the limit now, and excerpted."""
    task = own_task(world, PostTask.Kind.REPORT_BACK)
    api = api_for(world.users["ad"])
    for i in range(EVENTS_ON_PAGE + 20):
        answer = text(bounds.MAX_TEXT, seed=f"answer {i} ")
        response = api.patch(f"/api/tasks/{task.pk}/", {
            "status": "done", "version": task.version + i, "response": "noted", "response_text": answer,
        }, format="json")
        assert response.status_code == 200, response.content
    events = TaskEvent.objects.filter(task=task)
    assert events.count() == EVENTS_ON_PAGE + 20
    longest = max(len(json.dumps(e.changes)) for e in events)
    assert longest < 4 * EXCERPT
    page = client_for(world, "desk").get(f"/tasks/{task.pk}/")
    assert page.status_code == 200 and len(page.content) < PAGE_BUDGET
    assert "20 earlier changes not shown here" in page.content.decode()
    assert page.content.decode().count("answer 119 ") >= 1  # the latest is shown


# ---------------------------------------------------------------- the byte budget of every page


def fill_to_the_limits(world) -> PostTask:
    """Give Abu Dhabi's tasks the largest values the limits allow, through the services."""
    desk, staff = world.users["desk"], world.users["ad"]
    officials = [{"name": text(bounds.OFFICIAL_FIELD), "title": text(bounds.OFFICIAL_FIELD),
                  "ministry": text(bounds.OFFICIAL_FIELD)}] * bounds.MAX_OFFICIALS
    for kind in (PostTask.Kind.DELIVER_NON_PAPER, PostTask.Kind.REPORT_BACK):
        task = own_task(world, kind)
        for i in range(30):  # a long history of edits at the limit
            task = services.update_task(task, by=desk, version=task.version,
                                        instruction=text(bounds.MAX_TEXT, seed=str(i)))
        if kind == PostTask.Kind.REPORT_BACK:
            services.submit_report(task, by=staff, version=task.version, response="noted",
                                   response_text=text(bounds.MAX_TEXT), officials=officials)
        else:
            services.record_delivery(task, by=staff, version=task.version, delivered_on=bounds.post_today(task.post),
                                     method="meeting", officials=officials, response="noted",
                                     requested_level=text(bounds.MAX_LINE), response_text=text(bounds.MAX_TEXT))
    fill_the_thread(world, messages=30)
    return own_task(world, PostTask.Kind.REPORT_BACK)


def fill_the_thread(world, *, messages: int):
    """Abu Dhabi's thread: messages at the text limit, the latest corrected as often as allowed (its
    author, still within the correction window, also gets a form holding the text)."""
    from outreach.models import DemarchePost
    from outreach.threads import services as threads

    dpost, staff = DemarchePost.objects.get(pk=world.dposts_by_post["abu-dhabi"]), world.users["ad"]
    for i in range(messages):
        message = threads.post_message(dpost, by=staff, body=text(bounds.MAX_TEXT, seed=f"message {i} "))
    for i in range(bounds.MAX_CORRECTIONS):
        message = threads.edit_message(message, by=staff, body=text(bounds.MAX_TEXT, seed=f"correction {i} "),
                                       version=message.version)
    return dpost, message


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["desk", "ad"])
def test_every_page_keeps_its_byte_budget_at_the_limits(world, role):
    fill_to_the_limits(world)
    client, sizes = client_for(world, role), {}
    for leaf, url, _ in walk(world):
        if (leaf.name or "").startswith("admin:"):
            continue
        response = client.get(url)
        if response.status_code == 200 and not response.streaming:
            sizes[url] = len(response.content)
    assert len(sizes) > 10  # the walk reached the pages
    over = {url: size for url, size in sizes.items() if size > PAGE_BUDGET}
    assert not over, over
    assert max(sizes.values()) > 100_000  # the long values are on the pages: the budget is not vacuous
    largest = max(sizes, key=sizes.get)
    print(f"{role}: largest page {largest} {sizes[largest]:,} bytes")  # docs/hardening.md quotes it (-s)


@pytest.mark.django_db
def test_a_thread_pages_by_its_text_and_a_message_is_corrected_a_bounded_number_of_times(world):
    """100 messages at the limit, one corrected 60 times, made a 16-26 MB thread page (and task page)."""
    from outreach.models import Message
    from outreach.threads.queries import TEXT_ON_PAGE

    dpost, message = fill_the_thread(world, messages=12)
    with pytest.raises(ValidationError) as refused:
        threads_edit(message, world.users["ad"], "one correction too many")
    assert "at most 5 times" in refused.value.message_dict["body"][0]
    response = api_for(world.users["ad"]).patch(f"/api/threads/{dpost.pk}/messages/{message.pk}/",
                                                {"body": "one correction too many", "version": message.version},
                                                format="json")
    assert response.status_code == 400 and "at most 5 times" in json.dumps(response.json())
    seen, url = [], f"/threads/{dpost.pk}/"
    for role in ("ad", "desk"):
        seen, url = [], f"/threads/{dpost.pk}/"
        while url:  # page back through "Earlier messages" to the first
            page = client_for(world, role).get(url)
            assert page.status_code == 200 and len(page.content) < PAGE_BUDGET, (role, url, len(page.content))
            shown = page.context["thread_messages"]
            assert 1 <= len(shown) and (len(shown) == 1 or sum(len(m.body) for m in shown) <= TEXT_ON_PAGE)
            seen = [m.pk for m in shown] + seen
            url = page.context["earlier"] and f"/threads/{dpost.pk}/?before={page.context['earlier']}"
        assert len(seen) == len(set(seen)) == Message.objects.filter(demarche_post=dpost).count() >= 12
        task_page = client_for(world, role).get(f"/tasks/{world.tasks_by_post['abu-dhabi'][0]}/")
        assert task_page.status_code == 200 and len(task_page.content) < PAGE_BUDGET


def threads_edit(message, user, body):
    from outreach.threads import services as threads

    return threads.edit_message(message, by=user, body=body, version=message.version)


# ---------------------------------------------------------------- bodies too large, too deep, undecodable


@pytest.mark.django_db
def test_an_api_body_over_the_limit_is_a_json_413(world):
    from django.conf import settings

    api = api_for(world.users["desk"])
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    for method in (api.post, api.patch):
        response = method("/api/cables/", {"text": big}, format="json")
        assert response.status_code == 413
        assert "limit" in response.json()["detail"]
    task = own_task(world)
    response = api.patch(f"/api/tasks/{task.pk}/", {"status": "done", "version": 1, "response_text": big},
                         format="json")
    assert response.status_code == 413 and response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_the_413_page_links_to_a_fixed_page_not_the_request_path(client, desk_officer):
    client.force_login(desk_officer)
    big = "x" * (7 * 1024 * 1024)
    response = client.post("//evil.example/..", {"text": big})
    assert response.status_code == 413
    page = response.content.decode()
    assert "evil.example" not in page
    assert 'href="/"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("levels", [100_000, 50])
def test_json_nested_too_deep_is_a_bad_request(world, levels):
    task = own_task(world)
    api = api_for(world.users["ad"])
    body = '{"status": "done", "version": 1, "officials": ' + "[" * levels + "]" * levels + "}"
    response = api.generic("PATCH", f"/api/tasks/{task.pk}/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("body,content_type", [
    (b'{"status": "done", "reason": "\xff\xfe"}', "application/json"),
    ('{"status": "done"}'.encode("utf-16"), "application/json"),
    (b"status=done&reason=%ff", "application/x-www-form-urlencoded; charset=no-such-charset"),
    (b"status=done", "application/x-www-form-urlencoded; charset=utf-32"),
    (b"\x00\x01\x02", "application/octet-stream"),
])
def test_an_undecodable_body_is_a_json_4xx(world, body, content_type):
    task = own_task(world)
    api = api_for(world.users["ad"])
    response = api.generic("PATCH", f"/api/tasks/{task.pk}/", body, content_type=content_type)
    assert 400 <= response.status_code < 500, response.content
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
@pytest.mark.parametrize("bom,encoding", [
    (b"", "utf-16"), (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF16_LE, "utf-16-le"),
    (b"", "utf-32"), (codecs.BOM_UTF32_BE, "utf-32-be"),
], ids=["utf-16", "utf-16-be", "utf-16-le", "utf-32", "utf-32-be"])
def test_a_utf16_upload_with_a_byte_order_mark_is_read_as_utf16(client, desk_officer, seed_text, bom, encoding):
    """Every byte-order mark, either byte order (Python's own "utf-16" writes this machine's)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cables.models import Cable

    data = bom + seed_text.encode(encoding)
    client.force_login(desk_officer)
    response = client.post("/cables/ingest/", {"file": SimpleUploadedFile("09STATE4690.txt", data)})
    assert response.status_code == 302
    cable = Cable.objects.get()
    assert cable.reference_id == "09STATE4690" and cable.status == "parsed"
    assert cable.as_received() == data


@pytest.mark.django_db
def test_the_migration_excerpts_history_written_before_the_bound(world):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("outreach.migrations.0012_bound_history")
    task = own_task(world)
    huge = "h" * 1_000_000
    event = TaskEvent.objects.create(demarche=world.demarche, task=task, action="reported",
                                     changes={"response_text": [huge, huge + "!"], "status": ["open", "done"]},
                                     note=huge)
    migration.bound_history(apps, None)
    event.refresh_from_db()
    assert len(json.dumps(event.changes)) < 4 * EXCERPT and event.changes["status"] == ["open", "done"]
    assert event.changes["response_text"][1].endswith("(1,000,001 characters)") and len(event.note) < 2_100


@pytest.mark.django_db
def test_a_page_of_the_api_task_list_keeps_the_byte_budget_at_the_limits(world):
    """50 tasks a page, each at its limits (~100 kB), made a 5 MB page: the list pages by ten."""
    filled = fill_to_the_limits(world)
    others = list(PostTask.objects.filter(pk__in=world.tasks_by_post["abu-dhabi"]).exclude(pk=filled.pk))
    for task in others:  # every other task of the post as large as the filled one
        services.update_task(task, by=world.users["desk"], version=task.version,
                             instruction=text(bounds.MAX_TEXT, seed=str(task.pk)))
    copies = [PostTask(**{f.attname: getattr(filled, f.attname) for f in PostTask._meta.concrete_fields
                          if not f.primary_key} | {"position": filled.position + n}) for n in range(1, 25)]
    PostTask.objects.bulk_create(copies)
    api = api_for(world.users["ad"])
    url, pages, seen = "/api/posts/abu-dhabi/tasks/", 0, 0
    while url:
        response = api.get(url)
        assert response.status_code == 200 and len(response.content) < PAGE_BUDGET, (url, len(response.content))
        body = response.json()
        assert len(body["results"]) <= 10
        seen, pages, url = seen + len(body["results"]), pages + 1, body["next"]
    assert seen == body["count"] >= 25 and pages >= 3
    assert len(api.get("/api/posts/abu-dhabi/tasks/").content) > 500_000  # the texts are there: not vacuous
