"""Every URL pattern of the project × every role, generated: a page added later is walked too.

Proves: anonymous reaches nothing but the login page; embassy staff never see another post's talking
points and get 404 for another post's task; managers never change data with a POST; nobody gets a 500.
"""

from datetime import date

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from .conftest import normalise
from .urlwalk import leaves, post_forms, urls_for

PUBLIC = {"login", "admin:login", "healthz", "ready", "favicon"}  # pages meant for people who are not logged in yet
# A manager reads the domain and never changes it, but the reminder emails they receive are theirs to shape.
OWN_SETTINGS = {"outreach.PersonReminderPreference"}
SESSION_ENDERS = ("logout",)  # posting these ends the walk's session; checked on their own
SNAPSHOT_APPS = ("auth", "authtoken", "cables", "outreach", "django_celery_beat")
GENERIC_POST = {
    "version": "1", "status": "done", "delivered_on": date.today().isoformat(), "method": "meeting",
    "response": "welcomed", "response_text": "Written by the security walk.", "reason": "security walk",
    "note": "security walk", "requested_level": "Minister", "action": "extend", "decision": "attach",
    "confirm": "1", "deliver_by": date.today().isoformat(), "report_by": date.today().isoformat(),
    "instructions": "changed by the security walk", "subject": "changed by the security walk",
}


def values_for(world) -> dict:
    seed_posts = ("abu-dhabi", "hong-kong", "astana")
    task_ids = [i for code in seed_posts for i in world.tasks_by_post[code][:2]]
    dposts = [world.dposts_by_post[code] for code in seed_posts if code in world.dposts_by_post]
    files = [i for code in seed_posts for i in world.files_by_post.get(code, [])]
    ids = [*task_ids, *dposts, *files, world.demarche.pk, world.cable.pk, 999999]
    return {
        "ids": list(dict.fromkeys(ids)),
        "strings": [world.demarche.reference_id, "abu-dhabi", "hong-kong"],
        "codes": ["abu-dhabi", "hong-kong", "astana"],
        "actions": ["deliver", "report", "not_delivered", "reopen", "edit", "attach", "reject"],
    }


def walk(world):
    """Yield (leaf, url, kwargs) for every pattern of the project."""
    values = values_for(world)
    for leaf in leaves():
        for url, kwargs in urls_for(leaf, values):
            yield leaf, url, kwargs


def snapshot() -> dict:
    """A digest of every row a write could change (last_login moves on every login and is left out)."""
    rows = {}
    installed = {config.label for config in apps.get_app_configs()}
    for label in SNAPSHOT_APPS:
        if label not in installed:
            continue
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            fields = [f.column for f in model._meta.concrete_fields if f.attname != "last_login"]
            rows[model._meta.label] = _digest(model._meta.db_table, fields, model._meta.pk.column)
    return rows


def rows_written() -> int:
    """How many rows this connection has written so far: one cheap query, to skip snapshots after no write."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the test's own transaction, savepoints included
            cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
        else:
            cursor.execute("SELECT total_changes()")
        return cursor.fetchone()[0]


def _digest(table: str, columns: list[str], pk: str):
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one query per table, computed by the server
            row = ", ".join(quote(c) for c in columns)
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(ROW({row})::text, '|' ORDER BY {quote(pk)}), ''))"
                f" FROM {quote(table)}"
            )
            return cursor.fetchone()
        cursor.execute(f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} ORDER BY {quote(pk)}")
        return cursor.fetchall()


def client_for(world, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return normalise(content.decode("utf-8", "replace"))


def is_session_ender(leaf) -> bool:
    return any(word in (leaf.name or leaf.route) for word in SESSION_ENDERS)


def test_the_walk_covers_the_projects_pages(world):
    names = {leaf.name for leaf in leaves()}
    for expected in ("login", "cables:list", "cables:detail", "outreach:task_detail", "outreach:demarche_detail",
                     "outreach:thread", "outreach:thread_file", "api:thread-messages", "api:thread-file"):
        assert expected in names
    unfilled = [leaf.route for leaf in leaves() if leaf.name and not urls_for(leaf, values_for(world))]
    assert unfilled == [], "patterns whose parameters the walk cannot fill"


def test_anonymous_reaches_nothing_but_the_login_page(world):
    client = client_for(world, "anonymous")
    before = snapshot()
    failures = []
    for leaf, url, _ in walk(world):
        for method in ("get", "post"):
            response = getattr(client, method)(url, GENERIC_POST if method == "post" else None)
            status = response.status_code
            if status >= 500:
                failures.append(f"{method.upper()} {url}: {status}")
            elif 200 <= status < 300 and leaf.name not in PUBLIC:
                failures.append(f"{method.upper()} {url}: {status} without login")
            elif 300 <= status < 400 and "login" not in response.get("Location", ""):
                failures.append(f"{method.upper()} {url}: redirects to {response['Location']}, not to login")
    assert failures == []
    assert snapshot() == before


@pytest.mark.parametrize("role", ["ad", "hk"])
def test_embassy_staff_never_see_another_posts_talking_points(world, role):
    own = {"ad": "abu-dhabi", "hk": "hong-kong"}[role]
    fragments = world.foreign_fragments(own)
    assert any("KAZAKHSTAN" in f for f in fragments) and len(fragments) > 5
    client = client_for(world, role)
    failures, seen = [], 0
    for leaf, url, _ in walk(world):
        if is_session_ender(leaf):
            continue
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"GET {url}: {response.status_code}")
        if response.status_code != 200:
            continue
        seen += 1
        text = body(response)
        failures += [f"GET {url} shows {fragment!r}" for fragment in fragments if fragment in text]
    assert seen > 3, "the walk reached almost no page as embassy staff"
    assert failures == []


@pytest.mark.parametrize("role", ["ad", "hk"])
def test_embassy_staff_get_404_for_another_posts_tasks(world, role):
    own = {"ad": "abu-dhabi", "hk": "hong-kong"}[role]
    foreign_tasks = {str(i) for code, ids in world.tasks_by_post.items() if code != own for i in ids}
    foreign_dposts = {str(i) for code, i in world.dposts_by_post.items() if code != own}
    foreign_files = {str(i) for code, ids in world.files_by_post.items() if code != own for i in ids}
    values = values_for(world)
    # One task of each of a few other posts (Hong Kong or Abu Dhabi, Astana first), and their demarche-posts.
    others = sorted((code for code in world.tasks_by_post if code != own),
                    key=lambda code: code not in {"abu-dhabi", "hong-kong", "astana"})[:5]
    values["ids"] = [world.tasks_by_post[code][0] for code in others] + [
        world.dposts_by_post[code] for code in others if code in world.dposts_by_post
    ] + [i for code in others for i in world.files_by_post.get(code, [])] + [
        world.dposts_by_post[own], *world.files_by_post[own]]  # own thread with another post's file or message
    client = client_for(world, role)
    before = snapshot()
    checked, failures = 0, []
    for leaf in leaves():
        if is_session_ender(leaf):
            continue
        for url, kwargs in urls_for(leaf, values):
            foreign = [
                k for k, v in kwargs.items()
                if ("dpost" in k and v in foreign_dposts)
                or ("task" in (leaf.name or "") and k in {"pk", "task_pk", "task_id"} and v in foreign_tasks)
                or (k in {"attachment_pk", "message_pk"} and v in foreign_files)
            ]
            if not foreign:
                continue
            for method in ("get", "post"):
                checked += 1
                status = getattr(client, method)(url, GENERIC_POST if method == "post" else None).status_code
                if status == 404 or (method == "get" and status == 405):
                    continue
                if status == 403 and own_status(client, leaf, kwargs, own, world, method) == 403:
                    continue  # a page this role may not use for any post: the refusal reveals nothing
                failures.append(f"{method.upper()} {url}: {status}")
    assert checked >= 4, "no task-shaped URL was walked"
    assert failures == []
    assert snapshot() == before


def own_status(client, leaf, kwargs, own, world, method) -> int:
    """Status of the same request with this post's own task and demarche-post ids."""
    foreign_to_own = {str(i): str(world.tasks_by_post[own][0]) for ids in world.tasks_by_post.values() for i in ids}
    dposts = {str(i): str(world.dposts_by_post[own]) for i in world.dposts_by_post.values()}
    mine = {k: (dposts.get(v, v) if "dpost" in k else foreign_to_own.get(v, v)) for k, v in kwargs.items()}
    response = getattr(client, method)(reverse(leaf.name, kwargs=mine), GENERIC_POST if method == "post" else None)
    return response.status_code


def test_managers_never_change_data(world):
    client = client_for(world, "manager")
    targets = list(walk(world))
    forms: dict[str, dict] = {}
    for leaf, url, _ in targets:  # read every page first, keeping each form a manager is shown
        if is_session_ender(leaf):
            continue
        response = client.get(url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for action, fields in post_forms(response.content.decode("utf-8", "replace"), url):
                forms.setdefault(action, {}).update(fields)
    before, written = snapshot(), rows_written()
    failures = []
    for leaf, url, _ in targets:
        if is_session_ender(leaf):
            continue
        data = {**GENERIC_POST, **forms.get(url, {})}
        response = client.post(url, data)
        status = response.status_code
        if status >= 500:
            failures.append(f"POST {url}: {status}")
        if rows_written() == written:
            continue
        written = rows_written()
        after = snapshot()
        changed = [label for label in after if after[label] != before[label] and label not in OWN_SETTINGS]
        if changed:
            failures.append(f"POST {url} changed {changed}")
            before = after
    assert failures == []


def test_the_walk_would_see_a_leak(world):
    """Guard against a vacuous walk: the desk officer's pages do show the foreign points."""
    client = client_for(world, "desk")
    fragments = world.foreign_fragments("abu-dhabi")
    shown = set()
    for leaf, url, _ in walk(world):
        if is_session_ender(leaf) or "admin" in (leaf.name or ""):
            continue
        response = client.get(url)
        if response.status_code == 200:
            text = body(response)
            shown.update(f for f in fragments if f in text)
    assert shown, "no page shows any talking point to a desk officer: the fragment check is blind"


def test_logging_out_ends_the_session(world):
    client = client_for(world, "manager")
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/cables/").status_code == 302
