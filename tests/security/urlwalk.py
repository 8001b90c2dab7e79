"""Enumerate every URL pattern of the project and fill its parameters with real values.

Nothing here lists the project's pages: a page added later is walked without a change.
"""

import itertools
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

MAX_COMBINATIONS = 16


@dataclass(frozen=True)
class Leaf:
    name: str | None  # namespaced, e.g. "outreach:task_detail"
    route: str  # readable, e.g. "outreach/tasks/<int:pk>/"
    params: tuple[tuple[str, str], ...]  # (name, converter or "regex")


def _params(pattern) -> list[tuple[str, str]]:
    if isinstance(pattern, RoutePattern):
        return [
            (m.group("parameter"), m.group("converter") or "str")
            for m in re.finditer(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>", str(pattern))
        ]
    if isinstance(pattern, RegexPattern):
        return [(name, "regex") for name in pattern.regex.groupindex]
    return []


def leaves(patterns=None, namespace: str = "", route: str = "", params=()) -> list[Leaf]:
    """Return every leaf pattern, recursively through include()s."""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        here = route + str(entry.pattern)
        args = tuple(params) + tuple(_params(entry.pattern))
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += leaves(entry.url_patterns, ns, here, args)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            found.append(Leaf(name, here, args))
    return found


def candidates(param: str, converter: str, values: dict) -> list:
    """Return real values to try for one parameter, chosen by its name and converter."""
    lower = param.lower()
    if lower == "format":
        return ["json"]
    if "token" in lower or lower in {"uidb64", "secret", "key"}:
        return ["not-a-real-token-0123456789"]
    if lower == "app_label":
        return ["cables", "outreach", "auth"]
    if lower == "model_name":
        return ["cable", "posttask", "user"]
    if lower == "url":
        return ["no-such-page/"]
    if converter == "int" or lower in {"pk", "id"} or lower.endswith(("_pk", "_id")):
        return values["ids"] + (values["strings"] if converter not in {"int"} else [])
    if "reference" in lower:
        return [values["strings"][0], "09STATE0000"]
    if lower in {"action", "kind", "step", "what"}:
        return values["actions"]
    if "code" in lower or lower in {"post", "slug"}:
        return values["codes"]
    return values["strings"] + values["ids"]


def urls_for(leaf: Leaf, values: dict) -> list[tuple[str, dict]]:
    """Return (URL, parameters) for a leaf: every mix of candidate values that reverses (capped)."""
    if not leaf.params:
        return [(_reverse(leaf, {}) or "/" + leaf.route.lstrip("^").rstrip("$"), {})]
    names = list(dict.fromkeys(p for p, _ in leaf.params))
    options = [candidates(p, dict(leaf.params)[p], values) for p in names]
    found: dict[str, dict] = {}
    for combo in itertools.islice(itertools.product(*options), MAX_COMBINATIONS * 4):
        kwargs = dict(zip(names, [str(v) for v in combo]))
        url = _reverse(leaf, kwargs)
        if url and url not in found:
            found[url] = kwargs
        if len(found) >= MAX_COMBINATIONS:
            break
    return list(found.items())


def _reverse(leaf: Leaf, kwargs: dict) -> str | None:
    if leaf.name:
        try:
            return reverse(leaf.name, kwargs=kwargs)
        except NoReverseMatch:
            return None
    route = leaf.route
    if "(?P" in route or "^" in route:
        return None  # an unnamed regex pattern: cannot be filled reliably
    for key, value in kwargs.items():
        route = re.sub(rf"<(?:[^>:]+:)?{re.escape(key)}>", value, route)
    return "/" + route


class _Forms(HTMLParser):
    """Collect each POST form of a page, except the log-out form: its action and its fields' first values."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._fields: dict[str, str] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = a.get("action") or ""
            if (a.get("method") or "").lower() == "post" and "logout" not in action:
                self._fields = {}
                self.forms.append((action, self._fields))
            return
        fields = self._fields
        if fields is None:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in {"file", "submit", "button", "reset"}:
            if a.get("type") in {"checkbox", "radio"} and name in fields:
                return
            fields.setdefault(name, a.get("value") or ("on" if a.get("type") == "checkbox" else "x"))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and self._select not in fields and a.get("value"):
            fields[self._select] = a["value"]
        elif tag == "textarea" and name:
            fields.setdefault(name, "Written by the security walk.")
        elif tag == "button" and name:
            fields.setdefault(name, a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def post_forms(page: str, page_url: str) -> list[tuple[str, dict[str, str]]]:
    """Return (absolute action path, fields) of each POST form on a page."""
    from urllib.parse import urljoin, urlsplit

    parser = _Forms()
    parser.feed(page)
    return [(urlsplit(urljoin(page_url, action)).path, fields) for action, fields in parser.forms]
