#!/usr/bin/env python
"""Fault drill: kill the Celery worker mid-sweep, restart Redis, restart PostgreSQL under load; lose nothing.

Runs against its OWN PostgreSQL cluster (port 5440) and its OWN Redis (port 6390), both real servers,
so restarting them never disturbs anything else on the machine. Steps:
  1. a fresh cluster and database, migrate, seed_demo, every open task made overdue;
  2. gunicorn (2 workers), a Celery worker and beat start; the reminder sweep is triggered;
  3. the worker is SIGKILLed while reminders are being sent, then started again;
  4. Redis is restarted (shutdown, start) while the worker is connected;
  5. an HTTP client records a delivery on every task while PostgreSQL is restarted mid-stream;
     a request that fails is retried, as a person would press the button again;
  6. stalled claims are fast-forwarded past their lease and the sweep runs again until nothing is due.
Then it checks: every acknowledged task update is in the database, no reminder was sent twice
(emails == sent claim rows, one per task and window), none was skipped (a dry-run sweep finds
nothing due and no claim is left unsent). Bounded: every wait has a deadline; about 2-4 minutes.

Usage: .venv/bin/python bench/faults.py [--keep]   (as root: it creates and drops the cluster)
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
PG_VERSION = sorted(os.listdir("/etc/postgresql"))[-1]
CLUSTER, PG_PORT, REDIS_PORT, WEB_PORT = "outreach_faults", 5440, 6390, 8766
WORK = Path(tempfile.mkdtemp(prefix="outreach-faults-"))
MAIL = WORK / "mail"
ENV = {
    **os.environ,
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/outreach",
    "CELERY_BROKER_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
    "DJANGO_DEBUG": "1", "DJANGO_TESTING": "0", "AXES_ENABLED": "0",
    "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(MAIL),
    "REMINDER_WORKING_HOURS": "0,24", "REMINDER_SWEEP_MINUTES": "1", "LOG_LEVEL": "WARNING",
    "PYTHONPATH": str(ROOT),
}
procs: dict[str, subprocess.Popen] = {}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(*cmd: str, check: bool = True) -> str:
    done = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300)
    if check and done.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def django(code: str) -> str:
    return run(str(VENV / "python"), "manage.py", "shell", "-v", "0", "-c", code).strip()


def start(name: str, *cmd: str) -> None:
    out = (WORK / f"{name}.log").open("a")
    procs[name] = subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=out, stderr=out, start_new_session=True)


def kill(name: str, sig=signal.SIGTERM) -> None:
    proc = procs.pop(name, None)
    if proc and proc.poll() is None:
        os.killpg(proc.pid, sig)  # the whole group: a Celery worker's pool children die with it
        proc.wait(timeout=30)


def wait_for(what: str, test, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if test():
                return
        except Exception:  # the service may be restarting
            pass
        time.sleep(0.2)
    raise SystemExit(f"timed out waiting for {what}")


def pg(action: str) -> None:
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, CLUSTER, action], check=True)


def redis_start() -> None:
    subprocess.run(["redis-server", "--daemonize", "yes", "--port", str(REDIS_PORT), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "yes", "--dir", str(WORK),
                    "--pidfile", str(WORK / "redis.pid"), "--logfile", str(WORK / "redis.log")], check=True)
    wait_for("redis", lambda: subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "ping"],
                                             capture_output=True).stdout.strip() == b"PONG")


def redis_restart() -> None:
    subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "shutdown"], capture_output=True)  # saves the AOF
    time.sleep(1)
    redis_start()


def setup() -> None:
    log(f"creating PostgreSQL {PG_VERSION}/{CLUSTER} on port {PG_PORT} and Redis on port {REDIS_PORT} in {WORK}")
    subprocess.run(["pg_dropcluster", "--stop", PG_VERSION, CLUSTER], capture_output=True)
    subprocess.run(["pg_createcluster", PG_VERSION, CLUSTER, "--port", str(PG_PORT), "--",
                    "--auth-local=trust", "--auth-host=trust"], check=True, capture_output=True)
    pg("start")
    subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-qc",
                    "CREATE DATABASE outreach"], check=True)
    redis_start()
    run(str(VENV / "python"), "manage.py", "migrate", "--noinput", "-v", "0")
    run(str(VENV / "python"), "manage.py", "seed_demo")
    django("from datetime import timedelta; from django.utils import timezone; from outreach.models import PostTask;"
           "PostTask.objects.open().update(due=timezone.localdate() - timedelta(days=4))")


def start_services() -> None:
    start("web", str(VENV / "gunicorn"), "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{WEB_PORT}")
    start("beat", str(VENV / "celery"), "-A", "config", "beat", "--loglevel", "WARNING",
          "--schedule", str(WORK / "beat-schedule"))
    start_worker()
    wait_for("gunicorn", lambda: urllib.request.urlopen(f"http://127.0.0.1:{WEB_PORT}/healthz", timeout=2).read() == b"ok")


def start_worker() -> None:
    start("worker", str(VENV / "celery"), "-A", "config", "worker", "--loglevel", "WARNING", "--concurrency", "2")


def count(sql: str) -> int:
    return int(django(f"from django.db import connection\nwith connection.cursor() as c:\n"
                      f"    c.execute({sql!r}); print(c.fetchone()[0])"))


def trigger_sweep() -> None:
    django("from outreach.tasks import send_due_reminders; send_due_reminders.delay()")


def kill_worker_mid_sweep() -> None:
    trigger_sweep()
    wait_for("the first reminder claim", lambda: count("SELECT count(*) FROM outreach_reminderlog") > 0, 60)
    kill("worker", signal.SIGKILL)
    claims = count("SELECT count(*) FROM outreach_reminderlog")
    sent = count("SELECT count(*) FROM outreach_reminderlog WHERE status = 'sent'")
    log(f"worker SIGKILLed mid-sweep: {claims} reminders claimed, {sent} sent")
    start_worker()


class Deliverer(threading.Thread):
    """Record a delivery on every open task over HTTP as the desk officer, retrying what fails."""

    def __init__(self, task_ids: list[int], session: str):
        super().__init__(daemon=True)
        self.todo, self.acked, self.errors = list(task_ids), {}, 0
        self.cookies = {"sessionid": session}
        self.started: list[float] = []  # when each request began, to show some overlapped the restart

    def run(self) -> None:
        deadline = time.monotonic() + 120
        while self.todo and time.monotonic() < deadline:
            pk = self.todo[0]
            try:
                if self.deliver(pk):
                    self.todo.pop(0)
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                self.errors += 1
                time.sleep(0.3)

    def deliver(self, pk: int) -> bool:
        base = f"http://127.0.0.1:{WEB_PORT}/tasks/{pk}/"
        page = self.open(urllib.request.Request(base)).read().decode()
        version = re.search(r'action="[^"]*/deliver/".*?name="version" value="(\d+)"', page, re.S)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if version is None:  # delivered by an earlier try whose answer was lost in the outage
            return True
        text = f"delivery {pk}"
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), "version": version.group(1),
                                       "delivered_on": time.strftime("%Y-%m-%d"), "method": "meeting",
                                       "response": "noted", "response_text": text}).encode()
        response = self.open(urllib.request.Request(base + "deliver/", data=data, headers={"Referer": base}))
        if response.status == 302 and response.headers["Location"].endswith(f"/tasks/{pk}/"):
            self.acked[pk] = text
            return True
        return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _open(self, request):
    """Send the request with the cookies so far; keep the ones the answer sets; do not follow redirects."""
    self.started.append(time.monotonic())
    request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
    try:
        response = _OPENER.open(request, timeout=10)
    except urllib.error.HTTPError as exc:
        if exc.code >= 400:
            raise
        response = exc
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        self.cookies[name.strip()] = rest.split(";", 1)[0]
    return response


Deliverer.open = _open


def session_for_desk_officer() -> str:
    return django(
        "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY\n"
        "from django.contrib.auth.models import User\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "u = User.objects.filter(groups__name='Desk officers').order_by('pk').first()\n"
        "s = SessionStore(); s[SESSION_KEY] = str(u.pk)\n"
        "s[BACKEND_SESSION_KEY] = 'config.auth.PageUserBackend'\n"
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); print(s.session_key)")


def settle() -> None:
    """Let the sweep finish what the faults interrupted: fast-forward stalled claims past their lease."""
    for _ in range(10):
        django("from datetime import timedelta; from django.utils import timezone; from outreach.models import ReminderEmail;"
               "ReminderEmail.objects.exclude(status='sent').update(updated_at=timezone.now() - timedelta(hours=1))")
        trigger_sweep()
        time.sleep(5)
        if count("SELECT count(*) FROM outreach_reminderlog WHERE status NOT IN ('sent', 'no_recipient')") == 0:
            return


def emails_sent() -> int:
    return sum(p.read_text(errors="replace").count("\nMessage-ID:") for p in MAIL.glob("*")) if MAIL.exists() else 0


def due_now() -> int:
    """How many reminders the policy says are due now (a dry run: nothing is claimed)."""
    out = django("from django.utils import timezone; from outreach.reminders.sweep import sweep;"
                 "print(sweep(now=timezone.now(), dry_run=True))")
    return int(re.search(r"total=(\d+)", out).group(1))


def verify(deliverer: Deliverer, expected: int) -> list[str]:
    problems = []
    stored = django(
        "import json; from outreach.models import PostTask\n"
        "print(json.dumps({t.pk: [t.status, t.response_text] for t in PostTask.objects.all()}))")
    import json

    stored = {int(k): v for k, v in json.loads(stored).items()}
    lost = [pk for pk, text in deliverer.acked.items() if stored[pk] != ["done", text]]
    if lost:
        problems.append(f"{len(lost)} acknowledged task updates lost: {lost[:10]}")
    if deliverer.todo:
        problems.append(f"{len(deliverer.todo)} task updates never succeeded")
    # One email per person per sweep (or per reminder they want at once): each a ReminderEmail row.
    sent = count("SELECT count(*) FROM outreach_reminderemail WHERE status='sent'")
    digests = count("SELECT count(*) FROM outreach_digestlog WHERE status='sent'")
    emails = emails_sent()
    twice = count("SELECT count(*) FROM (SELECT task_id, kind, window_key FROM outreach_reminderlog "
                  "GROUP BY 1, 2, 3 HAVING count(*) > 1) d")
    if emails != sent + digests or twice:
        problems.append(f"sent twice: {emails} emails for {sent} reminder emails + {digests} digests; "
                        f"{twice} duplicate claims")
    left = count("SELECT count(*) FROM outreach_reminderlog WHERE status NOT IN ('sent', 'no_recipient')")
    claimed = count("SELECT count(*) FROM outreach_reminderlog")
    due = django("from django.utils import timezone; from outreach.reminders.sweep import sweep;"
                 "print(sweep(now=timezone.now(), dry_run=True))")
    log(f"{emails} emails, {sent} reminders sent, {digests} digests, {left} claims unsent, "
        f"{claimed} reminders of the {expected} due before the faults; dry run now: {due}")
    if left or claimed != expected or "total=0;" not in due:
        problems.append(f"skipped: {left} claims never sent, {claimed} of {expected} reminders claimed; {due}")
    return problems


def main() -> int:
    keep = "--keep" in sys.argv
    problems = ["the drill did not finish"]
    try:
        setup()
        expected = due_now()
        log(f"{expected} reminders due before any fault")
        start_services()
        kill_worker_mid_sweep()
        log("restarting Redis")
        redis_restart()
        tasks = [int(x) for x in django(
            "from outreach.models import PostTask; print(' '.join(str(p) for p in "
            "PostTask.objects.open().active().order_by('pk').values_list('pk', flat=True)))").split()]
        # Every other task is delivered over HTTP; the rest stay open and must all get their reminder.
        # Four clients at once, so requests are in flight when PostgreSQL goes down.
        session = session_for_desk_officer()
        clients = [Deliverer(tasks[::2][i::4], session) for i in range(4)]
        for client in clients:
            client.start()
        wait_for("a few deliveries", lambda: sum(len(c.acked) for c in clients) >= 5, 60)
        log(f"restarting PostgreSQL with {sum(len(c.acked) for c in clients)} deliveries done")
        began = time.monotonic()
        pg("restart")
        ended = time.monotonic()
        trigger_sweep()
        for client in clients:
            client.join(timeout=150)
        deliverer = Deliverer([], session)
        for client in clients:
            deliverer.acked.update(client.acked)
            deliverer.todo += client.todo
            deliverer.errors += client.errors
        during = sum(began <= t <= ended for c in clients for t in c.started)
        log(f"PostgreSQL restart took {ended - began:.1f} s with {during} requests sent meanwhile; deliveries: "
            f"{len(deliverer.acked)} acknowledged, {deliverer.errors} failed tries retried")
        settle()
        problems = verify(deliverer, expected)
    finally:
        for name in list(procs):
            kill(name)
        if not keep:
            subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"], capture_output=True)
            subprocess.run(["pg_dropcluster", "--stop", PG_VERSION, CLUSTER], capture_output=True)
            shutil.rmtree(WORK, ignore_errors=True)
    for problem in problems:
        log(f"FAIL {problem}")
    log("PASS: nothing lost, nothing sent twice, nothing skipped" if not problems else "FAILED")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
