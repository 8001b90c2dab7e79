"""CPU time spent by each kind of process while bench/load.sh measures one page, per request.

    python bench/cpu_split.py snapshot FILE          # before wrk starts
    python bench/cpu_split.py report FILE REQUESTS  # after it ends: "gunicorn 9.21 ms/req, postgres 1.78 ms/req"

The ratio alone does not say whether a page is slow in Python or in the database. Both run on the same
two cores as wrk, so this reads /proc (Linux) for the web workers' and the database's own CPU time.
wrk has exited by the report, so its share is not counted; it is the same per request for every page.
"""

import json
import os
import sys

KINDS = ("gunicorn", "postgres")


def cpu_ticks() -> dict[str, list]:
    """pid -> [process name, user + system clock ticks] for the processes of the kinds measured."""
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:  # the process ended while we listed them
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        if name.startswith(KINDS):
            fields = stat[stat.rindex(")") + 2 :].split()
            found[pid] = [name, int(fields[11]) + int(fields[12])]  # utime, stime
    return found


def report(before: dict, after: dict, requests: int) -> str:
    spent = dict.fromkeys(KINDS, 0)
    for pid, (name, ticks) in after.items():
        kind = next(k for k in KINDS if name.startswith(k))
        spent[kind] += ticks - before.get(pid, [name, 0])[1]
    per_tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    return ", ".join(f"{kind} {spent[kind] * per_tick_ms / max(requests, 1):.2f} ms/req" for kind in KINDS)


def main() -> None:
    command, path = sys.argv[1], sys.argv[2]
    if command == "snapshot":
        with open(path, "w") as f:
            json.dump(cpu_ticks(), f)
    else:
        with open(path) as f:
            print(report(json.load(f), cpu_ticks(), int(sys.argv[3])))


if __name__ == "__main__":
    main()
