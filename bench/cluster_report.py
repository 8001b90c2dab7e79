"""The rehearsal's evidence (bench/cluster.py): queries per server per phase, the writes and reminders
checked in the primary, the balancer's errors by phase; the table and the list of broken promises."""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

# Dashboard queries: the demarche list and the API's list read DemarcheStats, and nothing else does
# on a request (the triggers that keep it are not top-level statements).
DASHBOARD = "SELECT%outreach_demarchestats%"
TRACKER = "SELECT%outreach\\_%"  # every read of a tracker table
KILL_GRACE = 3.0  # seconds after a SIGKILL in which the balancer may answer 5xx (requests in flight)


class ReadCounter:
    """pg_stat_statements' counts on both servers at each mark; a stopped replica counts as unchanged."""

    def __init__(self, pair):
        self.pair, self.marks = pair, []

    def _count(self, server: str, pattern: str) -> int | None:
        try:
            return self.pair.statements(server, pattern)
        except RuntimeError:
            return None  # the replica is down

    def mark(self, phase: str) -> None:
        counts = {(s, k): self._count(s, p) for s in ("primary", "replica")
                  for k, p in (("dashboard", DASHBOARD), ("tracker", TRACKER))}
        self.marks.append((phase, time.monotonic(), counts))

    def phases(self) -> list[tuple[str, dict]]:
        out, last_replica = [], {}
        for (phase, _, before), (_, _, after) in zip(self.marks, self.marks[1:]):
            delta = {}
            for key, value in after.items():
                start = before[key] if before[key] is not None else last_replica.get(key)
                delta[key] = (value - start) if value is not None and start is not None else 0
                if value is not None:
                    last_replica[key] = value
            out.append((phase, delta))
        return out


def _phase_of(at: float, events: list[tuple[str, float]]) -> str:
    current = "steady"
    for name, when in events:
        if at >= when:
            current = name
    return current


def breaker_lines(work: Path) -> tuple[int, int]:
    """How often the web processes logged the replica breaker opening and closing (once per process each)."""
    text = "".join(p.read_text(errors="replace") for p in work.glob("web*.log"))
    return text.count("reading from the primary for"), text.count("Read replica usable again")


def verify(pair, clients, events, reads, due: str, *, work: Path) -> tuple[list, list]:
    mail = work / "mail"
    problems, rows = [], []
    answers = [a for c in clients for a in c.answers]
    kills = [when for name, when in events if "SIGKILL" in name and "web" in name]
    in_kill = lambda a: any(k - 0.5 <= a.at <= k + KILL_GRACE for k in kills)  # noqa: E731
    by_phase: dict[str, Counter] = {}
    for a in answers:
        phase = _phase_of(a.at, events)
        tally = by_phase.setdefault(phase, Counter())
        tally["requests"] += 1
        tally["5xx"] += a.status >= 500
        tally["no answer"] += a.status == 0
        tally["4xx"] += 400 <= a.status < 500
        tally["writes ok"] += a.kind in ("write", "ingest") and a.status == 302
    rows.append(("Requests through the balancer by phase", "", ""))
    for phase, tally in by_phase.items():
        rows.append((f"  {phase}", f"{tally['requests']} requests, {tally['writes ok']} writes acknowledged",
                     f"5xx {tally['5xx']}, no answer {tally['no answer']}, 4xx {tally['4xx']}"))
    outside = [a for a in answers if (a.status >= 500 or a.status == 0) and not in_kill(a)]
    inside = [a for a in answers if (a.status >= 500 or a.status == 0) and in_kill(a)]
    rows.append(("  5xx or no answer within 3 s of a web node's SIGKILL", str(len(inside)),
                 ", ".join(sorted({f"{a.kind} {a.status}" for a in inside})) or "-"))
    rows.append(("  5xx or no answer at any other time", str(len(outside)),
                 ", ".join(sorted({f"{a.kind} {a.status}" for a in outside})) or "-"))
    if outside:
        problems.append(f"{len(outside)} balancer errors outside the kill seconds: "
                        f"{sorted({(a.kind, a.status) for a in outside})}")
    client_errors = [a.kind for a in answers if a.kind.startswith("client error")]
    if client_errors:
        problems.append(f"load client errors: {Counter(client_errors)}")

    rows.append(("Dashboard queries (DemarcheStats) by server", "primary", "replica"))
    for phase, delta in reads.phases():
        p, r = delta[("primary", "dashboard")], delta[("replica", "dashboard")]
        rows.append((f"  {phase}", str(p), str(r)))
        if phase.startswith("replica up") and (p != 0 or r == 0):
            problems.append(f"{phase}: {p} dashboard queries on the primary, {r} on the replica")
        if phase == "replica down" and p == 0:
            problems.append("replica down: no dashboard query answered by the primary")
    opened, closed = breaker_lines(work)
    rows.append(("  breaker log lines (web processes: 2 per node)", f"opened {opened}", f"closed {closed}"))
    rows.append(("All reads of tracker tables by server", "primary", "replica"))
    for phase, delta in reads.phases():
        rows.append((f"  {phase}", str(delta[("primary", "tracker")]), str(delta[("replica", "tracker")])))

    acked = [w for c in clients for w in c.acked]
    tasks = [(pk, text) for kind, pk, text in acked if kind == "task"]
    missing = [pk for pk, text in tasks if int(pair.psql(
        "primary", "SELECT count(*) FROM outreach_taskevent WHERE task_id = %d AND (changes::text LIKE '%%%s%%' "
        "OR note LIKE '%%%s%%')" % (pk, text, text))) == 0]
    cables = [pk for kind, pk, _ in acked if kind == "cable"]
    found = int(pair.psql("primary", f"SELECT count(*) FROM cables_cable WHERE id IN ({','.join(map(str, cables))})")
                ) if cables else 0
    rows.append(("Writes acknowledged (2xx/302)", f"{len(tasks)} task updates, {len(cables)} cables ingested",
                 f"in the primary: {len(tasks) - len(missing)} and {found}"))
    if missing or found != len(set(cables)):
        problems.append(f"acknowledged writes missing from the primary: tasks {missing[:10]}, cables "
                        f"{len(set(cables)) - found}")
    if not tasks or not cables:
        problems.append("the load acknowledged no task update or no cable: nothing was proven about writes")

    expected = int(re.search(r"total=(\d+)", due).group(1))
    count = lambda sql: int(pair.psql("primary", sql))  # noqa: E731
    claimed = count("SELECT count(*) FROM outreach_reminderlog")
    sent = count("SELECT count(*) FROM outreach_reminderlog WHERE status = 'sent'")
    emails_rows = count("SELECT count(*) FROM outreach_reminderemail WHERE status = 'sent'")
    digests = count("SELECT count(*) FROM outreach_digestlog WHERE status = 'sent'")
    twice = count("SELECT count(*) FROM (SELECT task_id, kind, window_key FROM outreach_reminderlog "
                  "GROUP BY 1, 2, 3 HAVING count(*) > 1) d")
    emails = sum(p.read_text(errors="replace").count("\nMessage-ID:") for p in mail.glob("*")) if mail.exists() else 0
    rows.append(("Reminders due / sent / sent twice", f"{expected} / {sent} / {twice}",
                 f"{emails} emails for {emails_rows} reminder emails + {digests} digests"))
    if claimed != expected or sent != expected or twice or emails != emails_rows + digests:
        problems.append(f"reminders: {expected} due, {claimed} claimed, {sent} sent, {twice} duplicated; "
                        f"{emails} emails for {emails_rows} + {digests}")
    rows.append(("Faults (seconds into the load)", "", ""))
    began = min((a.at for a in answers), default=0)
    for name, when in events:
        rows.append((f"  {name}", f"{when - began:.1f} s", ""))
    return rows, problems


def print_table(rows: list) -> None:
    if not rows:
        return
    width = max(len(r[0]) for r in rows) + 2
    mid = max(len(r[1]) for r in rows) + 2
    print()
    for a, b, c in rows:
        print(f"{a:<{width}}{b:<{mid}}{c}")
