"""Hostile list parameters on every page, export and API list, as every role: a 4xx or a page, never a 5xx.

Generated from the URL patterns (tests/security/urlwalk.py): a list added later is covered too. Every
table prefix of the overview (r-, o-, s-, u-) gets the same values as the unprefixed ones.
"""

import pytest

from .test_url_walk import client_for, walk

PREFIXES = ("", "r-", "o-", "s-", "u-")


def everywhere(name: str, value) -> dict:
    return {f"{prefix}{name}": value for prefix in PREFIXES}


HOSTILE = {
    "negative page size": everywhere("per_page", "-1"),
    "zero page size": everywhere("per_page", "0"),
    "huge page size": everywhere("per_page", "9" * 30),
    "page size not a number": everywhere("per_page", "all"),
    "negative page": everywhere("page", "-1"),
    "page far beyond the end": everywhere("page", "99999999"),
    "page not a number": everywhere("page", "last"),
    "unknown sort column": everywhere("sort", "no_such_column"),
    "a thousand sort columns": everywhere("sort", ["-subject", "reference_id"] * 500),
    "ods export": {"_export": "ods"},
    "unknown export format": {"_export": "exe"},
    "unknown export table": {"_export": "csv", "_table": "no_such_table"},
    "undeclared parameters": {"format": "ods", "limit": "-1", "offset": "-1", "ordering": "?", "page_size": "-1"},
    "a long search": {"q": "x" * 5000, "tag": "y" * 5000, "demarche": "z" * 5000},
    "bad filter values": {"state": "none", "show": "all", "kind": "x", "period": "-1", "region": "XX",
                          "due_after": "9999-99-99", "due_before": "0000-00-00", "owner": "-1", "status": "?"},
}
# Sent as raw query strings: not even UTF-8.
RAW = ["per_page=%ff&page=%fe", "_export=%ff", "sort=%ff%fe&q=%c3"]

ROLES = ("desk", "manager", "ad", "hk")


def is_api_docs(url: str) -> bool:
    return url.startswith(("/api/schema/", "/api/docs/"))  # documents for people and tools, not the JSON API


def _lists(world, role):
    """One GET URL per pattern that answers this role with a page or a JSON document (admin excepted)."""
    client, done = client_for(world, role), set()
    for leaf, url, _ in walk(world):
        name = leaf.name or leaf.route
        if name in done or name.startswith("admin:") or "feed" in name or "logout" in name:
            continue
        if client.get(url).status_code == 200:
            done.add(name)
            yield client, url


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_no_list_parameter_makes_any_page_fail(world, role):
    failures, checked = [], 0
    for client, url in _lists(world, role):
        for name, params in HOSTILE.items():
            response = client.get(url, params)
            checked += 1
            if response.status_code >= 500:
                failures.append(f"{url} {name}: {response.status_code}")
            elif url.startswith("/api/") and response.status_code >= 400 and not is_api_docs(url):
                if not response["Content-Type"].startswith("application/json"):
                    failures.append(f"{url} {name}: {response.status_code} not JSON")
        for raw in RAW:
            response = client.get(f"{url}?{raw}")
            checked += 1
            if response.status_code >= 500:
                failures.append(f"{url}?{raw}: {response.status_code}")
    assert checked > 100  # the walk found the lists: not vacuous
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/dashboards/", "/dashboards/demarches/", "/dashboards/demarches/09STATE4690/",
                                 "/dashboards/posts/abu-dhabi/"])
def test_an_unknown_export_format_is_a_bad_request_and_a_page_size_is_bounded(world, url):
    client = client_for(world, "desk")
    assert client.get(url, {"_export": "ods"}).status_code == 400
    assert client.get(url, {"_export": "csv", "_table": "nope"}).status_code == 400
    page = client.get(url, everywhere("per_page", "-1"))
    assert page.status_code == 200
    for table in page.context["tables"].values() if "tables" in page.context else [page.context["table"]]:
        assert 1 <= table.paginator.per_page <= 500
