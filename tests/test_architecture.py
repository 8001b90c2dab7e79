"""The rules of the house that a reader cannot see in any one module: who imports whom, where access lives."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "cables", "outreach", "config")
# Reading the Post <-> user staff relation: a filter, a lookup through it, or its table.
STAFF_QUERY = re.compile(r"\bstaff=|\bstaff__|__staff\b|\.staff\.(filter|all|exclude|get)\(|staff\.through|\bposts__")
# The one module that reads the relation; the admin's widget edits it.
STAFF_OWNERS = {"cables/models.py", "cables/admin.py"}


def modules(*apps: str) -> list[Path]:
    return sorted(
        path
        for app in apps
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_it_finds_the_modules_it_checks():
    names = {str(p.relative_to(ROOT)) for p in modules(*APPS)}
    assert {"cables/models.py", "outreach/views/tasks.py", "outreach/dashboards/overview.py"} <= names


def test_only_the_post_model_reads_who_works_where():
    offenders = []
    for path in modules(*APPS):
        relative = str(path.relative_to(ROOT))
        if relative in STAFF_OWNERS:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if STAFF_QUERY.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == [], "use Post.objects.visible_to / worked_by / can_act_on:\n" + "\n".join(offenders)


def test_the_check_catches_a_filter_on_staff():
    assert STAFF_QUERY.search('Post.objects.filter(staff=user)')
    assert STAFF_QUERY.search('tasks.filter(post__staff=request.user)')
    assert STAFF_QUERY.search('post.staff.filter(pk=user.pk).exists()')
    assert not STAFF_QUERY.search('is_embassy_staff(user)')
    assert not STAFF_QUERY.search('Post.objects.filter(demarche_posts__removed=False)')


@pytest.mark.parametrize(
    "app,forbidden",
    [
        ("cables", ("outreach",)),  # cables stores and parses cables; it knows nothing of demarches
        ("accounts", ("cables", "outreach")),  # the roles sit below both apps that check them
    ],
)
def test_dependencies_run_one_way(app, forbidden):
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules(app)
        for name in sorted(imported_modules(path))
        if name.split(".")[0] in forbidden
    ]
    assert offenders == []


def test_the_parser_imports_nothing_from_django():
    """cables/parser is plain Python: text in, dataclasses out."""
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / "cables" / "parser").rglob("*.py")
        for name in sorted(imported_modules(path))
        if name.split(".")[0] in {"django", "outreach", "accounts", "config"}
        # Its own modules and the reference data of posts and collectives (plain Python) only.
        or (
            name.split(".")[0] == "cables"
            and not name.startswith(("cables.parser", "cables.postdata", "cables.collectivedata"))
        )
    ]
    assert offenders == []


# The dashboards read where the router sends them (the replica, when there is one): the bare default
# connection would pull a raw query back to the primary. Allowed: the stored figures' upkeep (it writes
# there), and the median's connection_created handler (its `connection` is the argument it is given).
BARE_CONNECTION = re.compile(r"\bconnection\.(cursor|vendor|ops)\b|^from django\.db import .*\bconnection\b(?!s)")
ALLOWED = {"outreach/dashboards/stats.py", "outreach/dashboards/expressions.py"}


def test_dashboards_never_read_through_the_bare_connection():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in (ROOT / "outreach" / "dashboards").rglob("*.py")
        if str(path.relative_to(ROOT)) not in ALLOWED
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if BARE_CONNECTION.search(line)
    ]
    assert offenders == [], "use connections[queryset.db] (the router's alias):\n" + "\n".join(offenders)
    assert BARE_CONNECTION.search("    with connection.cursor() as cursor:")
    assert not BARE_CONNECTION.search("    with connections[tasks.db].cursor() as cursor:")
