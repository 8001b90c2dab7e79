"""A newcomer's first hour: the README's run command, then every page of every demo user in Chromium.

bin/run starts in a fresh state folder on a free port with the real Celery worker and beat, on SQLite
(the shipped default) and on a PostgreSQL database that does not exist yet (bin/run creates it). Each
demo user that seed_demo prints logs in and follows every link of the app it is shown, each once. A
page fails on a 5xx, any 4xx (a link a user may not follow must not be shown), a console error, or an
axe-core violation of impact serious or critical; the server's log must hold no traceback. A
screenshot of each page goes to NEWCOMER_SCREENSHOTS (default: the test's tmp folder).
"""

import html
import os
import re
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from tests.browser import newcomer

pytestmark = [pytest.mark.browser, pytest.mark.newcomer]

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Each app its own Redis database: NEWCOMER_TEST_BROKER for SQLite, the next one for PostgreSQL.
BROKER = os.environ.get("NEWCOMER_TEST_BROKER", "redis://127.0.0.1:6379/10")
POSTGRES = os.environ.get("NEWCOMER_POSTGRES_URL") or os.environ.get(
    "TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/outreach"
)
SERIOUS = {"serious", "critical"}
# Chromium and axe-core check templates, not data: the first two pages of each URL pattern are rendered,
# the other links are fetched (status and links). 0 renders every page.
RENDER_PER_ROUTE = int(os.environ.get("NEWCOMER_RENDER_PER_ROUTE", "2")) or 10**6
# Not pages: logging out is a form, the admin is for superusers (none of the demo users).
NOT_CRAWLED = re.compile(r"^/(accounts/logout/|admin/)")


def route_of(path: str) -> str:
    from django.urls import Resolver404, resolve

    try:
        return resolve(path).route
    except Resolver404:
        return path


def broker_for(index: int) -> str:
    base, db = BROKER.rsplit("/", 1)
    return f"{base}/{int(db) + index}"


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    index = request.param_index
    database_url = None
    if request.param == "postgresql":
        # A database that does not exist yet: bin/run must create it.
        database_url = newcomer.postgres_url(POSTGRES, f"outreach_newcomer_{os.getpid()}")
        newcomer.drop_database(database_url)
    broker = broker_for(index)
    newcomer.flush_redis(broker)
    app = newcomer.start(tmp_path / "state", broker=broker, database_url=database_url)
    app.database = request.param
    yield app
    newcomer.stop(app)
    newcomer.flush_redis(broker)
    if database_url:
        newcomer.drop_database(database_url)


class Crawl:
    """One user's walk: every same-origin link once, from the home page.

    Chromium renders the first RENDER_PER_ROUTE paths of each URL pattern (console errors, screenshot,
    axe-core); every other link (the same pattern with other ids, the same path with another sort, page,
    filter or export) is fetched: its status checked and its links followed.
    """

    def __init__(self, context, base: str, shots: Path):
        self.context, self.base, self.shots = context, base, shots
        self.page = context.new_page()
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.console.append(str(e)))
        self.seen: set[str] = set()
        self.paths: set[str] = set()
        self.rendered_paths: set[str] = set()
        self.routes = Counter()  # URL pattern -> pages rendered
        self.problems: list[str] = []
        self.pages = 0  # rendered in Chromium and checked by axe-core
        self.fetched = 0  # the other links, downloads, calendar feeds
        self.axe = Counter()  # impact -> violations

    def login(self, username: str, password: str) -> None:
        self.page.goto(f"{self.base}/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()
        assert "/accounts/login/" not in self.page.url, f"{username} could not log in"

    def run(self) -> None:
        queue = [f"{self.base}/"]
        self.seen.add(queue[0])
        while queue:
            url = queue.pop(0)
            path = urlsplit(url).path
            route = route_of(path)
            if path in self.rendered_paths or self.routes[route] >= RENDER_PER_ROUTE:
                # A fetched page adds only paths not seen yet: its sort links keep the other tables'
                # sorts, so following every combination would never end.
                links = [link for link in self.fetch(url) if urlsplit(link).path not in self.paths]
            else:
                self.rendered_paths.add(path)
                self.routes[route] += 1
                links = self.visit(url)
            for link in filter(None, map(self.wanted, links)):
                if link not in self.seen:
                    self.seen.add(link)
                    self.paths.add(urlsplit(link).path)
                    queue.append(link)

    def wanted(self, href: str) -> str | None:
        url, _ = urldefrag(href)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.base or NOT_CRAWLED.match(parts.path):
            return None
        return url

    def visit(self, url: str) -> list[str]:
        self.console.clear()
        try:
            response = self.page.goto(url, wait_until="load")
        except Exception as exc:  # a download (CSV, XLSX, iCalendar) is not a page
            if "Download is starting" not in str(exc):
                self.problem(f"{url}: {exc}")
                return []
            return self.fetch(url)
        status = response.status if response else 0
        if status >= 400 or "/accounts/login/" in self.page.url:
            self.problem(f"{url}: HTTP {status} (at {self.page.url})")
            return []
        if "html" not in (response.headers.get("content-type") or ""):
            self.fetched += 1
            return []
        self.pages += 1
        if "/api/docs/" in url:
            self.page.wait_for_selector(".swagger-ui .info", timeout=15000)
        name = re.sub(r"\W+", "-", url[len(self.base):]).strip("-") or "home"
        # JPEG: a long page's PNG took a quarter of the crawl to encode.
        self.page.screenshot(path=str(self.shots / f"{self.pages:03d}-{name[:80]}.jpg"), full_page=True,
                             type="jpeg", quality=70)
        self.check_accessibility(url)
        links = self.page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
        if urlsplit(url).path.endswith("/calendar/"):
            self.make_calendar_link()
        for text in self.console:
            self.problem(f"{url}: console error: {text}")
        return links

    def problem(self, text: str) -> None:
        print(f"  problem: {text}", flush=True)
        self.problems.append(text)

    def check_accessibility(self, url: str) -> None:
        from axe_playwright_python.sync_playwright import Axe

        for violation in Axe().run(self.page).response["violations"]:
            self.axe[violation["impact"]] += 1
            if violation["impact"] in SERIOUS:
                targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
                self.problem(f"{url}: axe {violation['impact']} {violation['id']}: {targets}")

    def fetch(self, url: str) -> list[str]:
        response = self.context.request.get(url)
        self.fetched += 1
        if response.status >= 400 or "/accounts/login/" in response.url:
            self.problem(f"{url}: HTTP {response.status} (at {response.url})")
            return []
        if "html" not in response.headers.get("content-type", ""):
            return []
        hrefs = re.findall(r'<a\b[^>]*\bhref="([^"]*)"', response.text())
        return [urljoin(response.url, html.unescape(h)) for h in hrefs]

    def make_calendar_link(self) -> None:
        """Make the first calendar link this user may make and read it, as a calendar client would."""
        buttons = self.page.locator("form[action$='/calendar/new/'] button[type=submit]")
        if not buttons.count():
            return
        buttons.first.click()
        self.page.wait_for_load_state()
        feed = self.page.input_value("#new-link")
        response = self.context.request.get(feed)
        self.fetched += 1
        if response.status != 200 or "BEGIN:VCALENDAR" not in response.text():
            self.problem(f"{feed}: the new calendar link answers {response.status}")


def test_a_newcomer_runs_the_app_and_every_demo_user_walks_every_page(app, browser, tmp_path):
    shots_root = Path(os.environ.get("NEWCOMER_SCREENSHOTS") or tmp_path / "screenshots")
    assert {role.split(" (")[0] for role, _, _ in app.logins} == {
        "Desk officers", "Managers", "Embassy staff"
    }, app.log_text()[-3000:]
    problems, report = [], []
    for role, username, password in app.logins:
        shots = shots_root / app.database / username
        shots.mkdir(parents=True, exist_ok=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        crawl = Crawl(context, app.url, shots)
        started = time.monotonic()
        print(f"\n{username} ({role}) on {app.database}:", flush=True)
        crawl.login(username, password)
        crawl.run()
        context.close()
        problems += [f"{username}: {p}" for p in crawl.problems]
        axe = ", ".join(f"{n} {impact}" for impact, n in sorted(crawl.axe.items())) or "none"
        report.append(
            f"{role:<28} {username:<10} {crawl.pages:>4} pages rendered, {crawl.fetched:>4} other links fetched,"
            f" axe-core: {axe} ({time.monotonic() - started:.0f}s)"
        )
    print(f"\nnewcomer crawl of {app.url} (screenshots in {shots_root}):\n" + "\n".join(report))
    # Beat fires its jobs a minute after the start: wait for the first overview refresh to finish.
    assert newcomer.wait_for_log(app, r"refresh_overview_snapshots\[[^]]+\] succeeded", timeout=120), (
        "beat's overview refresh did not succeed:\n" + app.log_text()[-3000:]
    )
    errors = newcomer.tracebacks(app.log_text())
    assert not errors, f"{len(errors)} tracebacks in the server's log:\n\n" + "\n\n".join(errors[:5])
    assert not problems, "\n".join(problems[:80])
