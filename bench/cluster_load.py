"""The rehearsal's users (bench/cluster.py): embassy staff recording deliveries and reports, managers reading
dashboards, a desk officer ingesting cables; every request through the balancer, every answer kept.

Each client is a thread with its own session cookie. It records (time, kind, status) for every request and,
for every write that the balancer acknowledged (a redirect to the page it saved), what the database must
now hold: a TaskEvent carrying the write's unique text, or the ingested cable's id.
"""

from __future__ import annotations

import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


@dataclass
class Answer:
    at: float  # time.monotonic() when the request began
    kind: str  # "dashboard", "task page", "write", "ingest", ...
    status: int  # 0: no HTTP answer at all (connection refused or reset)
    seconds: float


@dataclass(eq=False)  # threads must stay hashable
class Client(threading.Thread):
    base: str
    session: str
    stop: threading.Event
    pause: float = 0.3
    answers: list[Answer] = field(default_factory=list)
    acked: list[tuple] = field(default_factory=list)  # what the primary must hold at the end

    def __post_init__(self):
        threading.Thread.__init__(self, daemon=True)
        self.cookies = {"sessionid": self.session}
        self.random = random.Random(self.session)

    def request(self, kind: str, path: str, data: dict | None = None) -> tuple[int, str, str]:
        """One request; returns (status, body, Location). Never raises for HTTP or network errors."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        began = time.monotonic()
        status, text, location = 0, "", ""
        try:
            try:
                response = _OPENER.open(req, timeout=30)
            except urllib.error.HTTPError as exc:
                response = exc
            status, text = response.status, response.read().decode(errors="replace")
            location = response.headers.get("Location", "")
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        except (OSError, urllib.error.URLError):
            pass
        self.answers.append(Answer(began, kind, status, time.monotonic() - began))
        return status, text, location

    def run(self):
        while not self.stop.is_set():
            try:
                self.step()
            except Exception as exc:  # a client bug must show, not silently stop the load
                self.answers.append(Answer(time.monotonic(), f"client error {type(exc).__name__}", 0, 0))
            self.stop.wait(self.pause * (0.5 + self.random.random()))


def _token(page: str) -> str | None:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    return found.group(1) if found else None


@dataclass(eq=False)  # threads must stay hashable
class EmbassyStaff(Client):
    """Works through the post's tasks: delivers, reports back, and reopens what is done to go again."""

    tasks: list[int] = field(default_factory=list)
    write_chance: float = 1.0  # the share of steps that write; the others read the inbox or a task
    counter: int = 0

    def step(self):
        if self.random.random() > self.write_chance:
            self.request("task page", self.random.choice(["/inbox/", f"/tasks/{self.random.choice(self.tasks)}/"]))
            return
        pk = self.tasks[self.counter % len(self.tasks)]
        self.counter += 1
        path = f"/tasks/{pk}/"
        status, page, _ = self.request("task page", path)
        token = _token(page)
        if status != 200 or token is None:
            return
        offered = dict(re.findall(r'action="[^"]*/(deliver|report|reopen)/".*?name="version" value="(\d+)"', page, re.S))
        text = f"rehearsal {self.session[:8]}-{self.counter}"
        if "deliver" in offered:
            action, data = "deliver", {"delivered_on": time.strftime("%Y-%m-%d"), "method": "meeting",
                                       "response": "noted", "response_text": text}
        elif "report" in offered:
            action, data = "report", {"response": "welcomed", "response_text": text}
        elif "reopen" in offered:
            action, data = "reopen", {"reason": text}
        else:
            return
        data.update(csrfmiddlewaretoken=token, version=offered[action])
        status, _, location = self.request("write", f"{path}{action}/", data)
        if status == 302 and location.endswith(path):
            self.acked.append(("task", pk, text))
        self.request("task page", path)  # the page after the write, as a browser would follow


@dataclass(eq=False)  # threads must stay hashable
class Manager(Client):
    """Reads the dashboards, their exports and the API's lists."""

    reference: str = ""
    posts: list[str] = field(default_factory=list)

    def step(self):
        pages = [
            "/dashboards/overview/",
            "/dashboards/overview/?days=90",
            "/dashboards/demarches/",
            f"/dashboards/demarches/{self.reference}/",
            f"/dashboards/posts/{self.random.choice(self.posts)}/",
            "/dashboards/demarches/?_export=csv",
            "/api/demarches/",
        ]
        self.request("dashboard", self.random.choice(pages))


@dataclass(eq=False)  # threads must stay hashable
class DeskOfficer(Client):
    """Ingests the real cables of /work/shared/cables through the web form, one after another."""

    cables: list[Path] = field(default_factory=list)
    counter: int = 0

    def step(self):
        if self.counter >= len(self.cables):
            self.request("cable page", "/cables/")
            return
        cable = self.cables[self.counter]
        self.counter += 1
        status, page, _ = self.request("ingest page", "/cables/ingest/")
        token = _token(page)
        if status != 200 or token is None:
            return
        text = cable.read_text(encoding="utf-8", errors="replace")
        status, _, location = self.request("ingest", "/cables/ingest/", {"csrfmiddlewaretoken": token, "text": text})
        found = re.search(r"/cables/(\d+)/$", location)
        if status == 302 and found:
            self.acked.append(("cable", int(found.group(1)), cable.name))
