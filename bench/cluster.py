#!/usr/bin/env python
"""The multi-node rehearsal on loopback: a PostgreSQL primary and streaming replica, two web nodes behind
HAProxy, two Celery workers and one beat on a Redis of its own; load and faults; then the promises checked.

Run it with bench/cluster.sh (installs HAProxy if missing, runs this under nice). Everything it starts is
its own, on free ports of 127.0.0.1: the two PostgreSQL clusters (bench/pgpair.py, in a temporary
directory), a second redis-server (the machine's Redis is shared and never restarted), gunicorn from the
Procfile's web line, the workers and beat from its worker and beat lines. Steps:
  1. migrate and seed_demo on the primary; embassy staff for LOAD_POSTS posts; the other posts' open tasks
     made four days overdue, so their reminders are due (counted by a dry-run sweep: "due");
  2. start everything; managers, embassy staff and a desk officer load the balancer (bench/cluster_load.py);
  3. during the load: a worker SIGKILLed mid-sweep and restarted; a web node SIGKILLed and restarted;
     the replica stopped for REPLICA_DOWN_SECONDS and started again; Redis restarted;
  4. the load stops; stalled reminder claims are fast-forwarded past their lease (time compressed) and the
     sweep runs until nothing is due.
It checks: every write the balancer acknowledged is in the primary; every due reminder was sent exactly
once; dashboard queries ran on the replica while it was up and on the primary while it was down
(pg_stat_statements on each server); no 5xx from the balancer outside the seconds a web node was being
killed. It prints a table and exits 1 if a promise failed. Usage: bench/cluster.sh [--keep]
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import cluster_report as report  # noqa: E402
from bench.cluster_load import DeskOfficer, EmbassyStaff, Manager  # noqa: E402
from bench.pgpair import PgPair, free_port  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
CABLES = Path(os.environ.get("CABLES_DIR", "/work/shared/cables"))
LOAD_SECONDS = int(os.environ.get("LOAD_SECONDS", "150"))
REPLICA_DOWN_SECONDS = int(os.environ.get("REPLICA_DOWN_SECONDS", "30"))
LOAD_POSTS = 16  # posts whose staff record deliveries; the demarche's other posts get the reminders
WORK = Path(tempfile.mkdtemp(prefix="outreach-cluster-"))
PORTS = {name: free_port() for name in ("balancer", "web1", "web2", "redis")}
BASE = f"http://127.0.0.1:{PORTS['balancer']}"
ENV = {
    **os.environ,
    "PATH": f"{VENV}:{os.environ['PATH']}",
    "DJANGO_DEBUG": "0", "DJANGO_TESTING": "0", "SECRET_KEY": os.urandom(32).hex(),
    "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0", "SECURE_HSTS_SECONDS": "0", "TRUSTED_PROXY_COUNT": "1", "AXES_ENABLED": "0",
    "STATIC_ROOT": str(WORK / "static"), "DB_CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING",
    "CELERY_BROKER_URL": f"redis://127.0.0.1:{PORTS['redis']}/0",
    "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(WORK / "mail"),
    "REMINDER_WORKING_HOURS": "0,24", "REMINDER_SWEEP_MINUTES": "1",
    "WEB_CONCURRENCY": "2", "CELERY_CONCURRENCY": "1", "PYTHONPATH": str(ROOT),
}
procs: dict[str, subprocess.Popen] = {}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def manage(*args: str, env: dict | None = None) -> str:
    done = subprocess.run([str(VENV / "python"), "manage.py", *args], cwd=ROOT, env=env or ENV,
                          capture_output=True, text=True, timeout=600)
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def django(code: str) -> str:
    return manage("shell", "-v", "0", "-c", code).strip()


def procfile(kind: str) -> str:
    line = next(x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith(f"{kind}: "))
    return line.split(": ", 1)[1]


def start(name: str, command: str, **env: str) -> None:
    out = (WORK / f"{name}.log").open("a")
    procs[name] = subprocess.Popen(["sh", "-c", f"exec {command}"], cwd=ROOT, env={**ENV, **env},
                                   stdout=out, stderr=out, start_new_session=True)


def kill(name: str, sig=signal.SIGTERM) -> None:
    proc = procs.pop(name, None)
    if proc and proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)  # the whole group: gunicorn's and Celery's children with it
            proc.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def wait_for(what: str, test, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if test():
                return
        except Exception:  # still starting
            pass
        time.sleep(0.2)
    raise SystemExit(f"timed out waiting for {what}")


def http_ok(url: str) -> bool:
    return urllib.request.urlopen(url, timeout=3).status == 200


def start_web(n: int) -> None:
    start(f"web{n}", procfile("web"), PORT=str(PORTS[f"web{n}"]), WEB_HOST="127.0.0.1")
    wait_for(f"web node {n}", lambda: http_ok(f"http://127.0.0.1:{PORTS[f'web{n}']}/healthz/ready"))


def start_worker(n: int) -> None:
    # Two workers on one host need two node names; the Procfile's line is used with its name replaced.
    start(f"worker{n}", procfile("worker").replace("worker@%h", f"worker{n}@%h"))


def redis(action: str) -> None:
    cli = ["redis-cli", "-p", str(PORTS["redis"])]
    if action in ("stop", "restart"):
        subprocess.run([*cli, "shutdown"], capture_output=True)  # saves the AOF
        wait_for("redis to stop", lambda: subprocess.run([*cli, "ping"], capture_output=True).returncode != 0, 10)
    if action in ("start", "restart"):
        subprocess.run(["redis-server", "--daemonize", "yes", "--port", str(PORTS["redis"]), "--bind", "127.0.0.1",
                        "--save", "", "--appendonly", "yes", "--dir", str(WORK),
                        "--pidfile", str(WORK / "redis.pid"), "--logfile", str(WORK / "redis.log")], check=True)
        wait_for("redis", lambda: subprocess.run([*cli, "ping"], capture_output=True).stdout.strip() == b"PONG")


HAPROXY = """
global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    retries 3
    option redispatch
    # A request that never reached a node is sent to the other; a GET that got no answer is retried too.
    # A POST that may have run is never replayed: its 502 is the client's to see.
    retry-on conn-failure empty-response response-timeout
frontend www
    bind 127.0.0.1:{balancer}
    option forwardfor
    http-request disable-l7-retry unless METH_GET || METH_HEAD
    default_backend web
backend web
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz/ready ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    default-server check inter 1s fall 3 rise 2
    server web1 127.0.0.1:{web1}
    server web2 127.0.0.1:{web2}
"""


def setup(pair: PgPair) -> dict:
    log(f"primary :{pair.primary_port}, replica :{pair.replica_port}, web :{PORTS['web1']} :{PORTS['web2']}, "
        f"balancer :{PORTS['balancer']}, redis :{PORTS['redis']}; files in {WORK}")
    manage("migrate", "--noinput", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    manage("seed_demo")
    ENV["REHEARSAL_LOAD_POSTS"] = str(LOAD_POSTS)
    out = django((Path(__file__).parent / "cluster_setup.py").read_text())
    return json.loads(out.splitlines()[-1])


def due_now() -> str:
    return django("from django.utils import timezone; from outreach.reminders.sweep import sweep;"
                  "print(sweep(now=timezone.now(), dry_run=True))")


def count(sql: str) -> int:
    return int(PAIR.psql("primary", sql))


def trigger_sweep() -> None:
    django("from outreach.tasks import send_due_reminders; send_due_reminders.delay()")


def kill_worker_mid_sweep(events: list) -> None:
    trigger_sweep()
    wait_for("the first reminder claim", lambda: count("SELECT count(*) FROM outreach_reminderlog") > 0, 60)
    events.append(("worker 1 SIGKILLed mid-sweep", time.monotonic()))
    kill("worker1", signal.SIGKILL)
    claims = count("SELECT count(*) FROM outreach_reminderlog")
    sent = count("SELECT count(*) FROM outreach_reminderlog WHERE status = 'sent'")
    log(f"worker 1 SIGKILLed mid-sweep: {claims} reminders claimed, {sent} sent so far")
    start_worker(1)


def settle() -> None:
    """Let the sweep finish what the faults interrupted: fast-forward stalled claims past their lease."""
    for _ in range(12):
        django("from datetime import timedelta; from django.utils import timezone;"
               "from outreach.models import ReminderEmail, ReminderLog;"
               "ReminderEmail.objects.exclude(status='sent').update(updated_at=timezone.now() - timedelta(hours=1));"
               "ReminderLog.objects.exclude(status__in=['sent', 'no_recipient'])"
               ".update(updated_at=timezone.now() - timedelta(hours=1))")
        trigger_sweep()
        time.sleep(5)
        if count("SELECT count(*) FROM outreach_reminderlog WHERE status NOT IN ('sent', 'no_recipient')") == 0:
            return


PAIR: PgPair


def main() -> int:
    global PAIR
    keep = "--keep" in sys.argv
    PAIR = PgPair(fsync=True)
    problems, rows = ["the rehearsal did not finish"], []
    try:
        log(f"PostgreSQL primary and streaming replica in {PAIR.root}")
        PAIR.start()
        ENV["DATABASE_URL"] = PAIR.url("primary")
        data = setup(PAIR)
        ENV["DATABASE_REPLICA_URL"] = PAIR.url("replica")  # after setup: migrate and seed write the primary
        due = due_now()
        log(f"due before the load: {due}")
        redis("start")
        (WORK / "haproxy.cfg").write_text(HAPROXY.format(**PORTS))
        start("balancer", f"haproxy -db -f {WORK / 'haproxy.cfg'}")
        start_web(1)
        start_web(2)
        start_worker(1)
        start_worker(2)
        start("beat", procfile("beat"))
        wait_for("the balancer", lambda: http_ok(f"{BASE}/healthz/ready"))
        rows, problems = rehearse(data, due)
    finally:
        for name in list(procs):
            kill(name)
        subprocess.run(["redis-cli", "-p", str(PORTS["redis"]), "shutdown", "nosave"], capture_output=True)
        if keep:
            log(f"kept {WORK} (the clusters were stopped)")
        else:
            shutil.rmtree(WORK, ignore_errors=True)
        PAIR.stop()
    report.print_table(rows)
    for problem in problems:
        log(f"FAIL {problem}")
    log("PASS: every promise held" if not problems else "FAILED")
    return 1 if problems else 0


def rehearse(data: dict, due: str) -> tuple[list, list]:
    stop = threading.Event()
    # Each post's three tasks take four or five writes (reopened ones again): spread over the whole load.
    clients = [EmbassyStaff(BASE, s["session"], stop, pause=1.5, tasks=s["tasks"], write_chance=0.05)
               for s in data["staff"]]
    clients += [Manager(BASE, m, stop, pause=0.3, reference=data["reference"], posts=data["posts"])
                for m in data["managers"]]
    clients.append(DeskOfficer(BASE, data["desk"], stop, pause=2.0, cables=sorted(CABLES.glob("*.txt"))))
    reads = report.ReadCounter(PAIR)
    events: list[tuple[str, float]] = []
    began = time.monotonic()
    reads.mark("replica up")
    for client in clients:
        client.start()
    log(f"load: {len(data['staff'])} embassy staff, {len(data['managers'])} managers, 1 desk officer "
        f"for {LOAD_SECONDS} s")

    def at(second: float) -> None:
        time.sleep(max(0.0, began + second - time.monotonic()))

    at(10)
    kill_worker_mid_sweep(events)
    at(25)
    events.append(("web node 1 SIGKILLed", time.monotonic()))
    kill("web1", signal.SIGKILL)
    log("web node 1 SIGKILLed")
    at(35)
    start_web(1)
    events.append(("web node 1 back", time.monotonic()))
    log("web node 1 back")
    at(50)
    reads.mark("replica down")
    events.append(("replica stopped", time.monotonic()))
    PAIR.stop_replica()
    log(f"replica stopped for {REPLICA_DOWN_SECONDS} s")
    at(50 + REPLICA_DOWN_SECONDS)
    PAIR.start_replica()
    events.append(("replica started", time.monotonic()))
    reads.mark("replica back: breaker retry (15 s)")
    log("replica started")
    at(50 + REPLICA_DOWN_SECONDS + 20)
    reads.mark("replica up again")
    at(50 + REPLICA_DOWN_SECONDS + 30)
    events.append(("Redis restarted", time.monotonic()))
    redis("restart")
    log("Redis restarted")
    at(LOAD_SECONDS)
    stop.set()
    for client in clients:
        client.join(timeout=60)
    reads.mark("end")
    log("load over; letting the reminder sweep finish")
    settle()
    return report.verify(PAIR, clients, events, reads, due, work=WORK)


if __name__ == "__main__":
    sys.exit(main())
