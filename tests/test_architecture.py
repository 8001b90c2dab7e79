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


# The same relation read from a template: the user's side of it (`user.posts`) or the post's.
TEMPLATE_STAFF_READ = re.compile(r"\buser\.posts\b|\.staff\.(all|filter|exclude)\b")


def test_no_template_reads_who_works_where():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if TEMPLATE_STAFF_READ.search(line)
    ]
    assert offenders == [], "give the template Post.objects.worked_by (outreach/templatetags/own_posts.py):\n" + (
        "\n".join(offenders))
    assert TEMPLATE_STAFF_READ.search("{% for p in user.posts.all %}")
    assert not TEMPLATE_STAFF_READ.search("{% for d in demarche.posts.all %}{{ user.is_staff }}")


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


# A cable page's template naming an outreach URL or template would tie cables to outreach as an import does.
OUTREACH_REFERENCE = re.compile(r"""['"]outreach[:/]|/demarches/|/tasks/|/dashboards/""")


def test_the_cable_templates_name_nothing_of_outreach():
    """Outreach's actions reach the cable pages through cables.views.add_actions, from outreach's side."""
    templates = sorted((ROOT / "templates" / "cables").rglob("*.html"))
    assert templates, "no cable templates found"
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in templates
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if OUTREACH_REFERENCE.search(line)
    ]
    assert offenders == []
    assert OUTREACH_REFERENCE.search("""<form method="post" action="{% url 'outreach:demarche_create' cable.pk %}">""")
    assert OUTREACH_REFERENCE.search('{% include "outreach/_cable_actions.html" %}')
    assert not OUTREACH_REFERENCE.search("<a href=\"{% url 'cables:detail' r.pk %}\">")


def private_imports(path: Path) -> list[str]:
    """Private names (`_name`) a module imports from another module of the project."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{node.module or '.'}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").split(".")[0] in APPS)
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]


def test_no_module_borrows_another_modules_private_names():
    """A name used by two modules is public: name it so (the parser, a package of its own, is left out)."""
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules(*APPS)
        if "parser" not in path.relative_to(ROOT).parts
        for name in private_imports(path)
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
