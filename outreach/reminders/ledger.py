"""What one sweep did, counted truthfully: emailed, left for a post's digest, no recipient, skipped and why."""

from collections import Counter
from dataclasses import dataclass, field

from ..models import ReminderLog

Kind = ReminderLog.Kind
DIGEST = "digest"
# Where a claimed reminder went.
EMAILED, POST_DIGEST, NO_RECIPIENT = "emailed", "post digest", "no recipient"


@dataclass
class SweepResult:
    counts: Counter = field(default_factory=Counter)  # reminders claimed, per kind; DIGEST: posts' daily digests
    outcomes: Counter = field(default_factory=Counter)  # (EMAILED | POST_DIGEST | NO_RECIPIENT, kind)
    skipped: Counter = field(default_factory=Counter)  # (reason, kind): called for, not sent in this sweep
    emails: Counter = field(default_factory=Counter)  # "digest" / "single": emails to people; "failed"
    requeued: int = 0
    dry_run: bool = False
    busy: bool = False  # another sweep was running: this one did nothing

    def __str__(self) -> str:
        if self.busy:
            return "another sweep is running; nothing done"
        verb = "would send" if self.dry_run else "sent"
        kinds = [*Kind.values, DIGEST]
        parts = ", ".join(f"{k}={self.counts.get(k, 0)}" for k in kinds)
        # "due", not "sent": a reminder with no recipient was due and reached no one (the bench reads total=N;).
        return (f"due: {parts}; total={sum(self.counts.values())}; emailed={self.total(EMAILED)}; "
                f"post digest={self.total(POST_DIGEST)}; no recipient={self.total(NO_RECIPIENT)}; "
                f"skipped={sum(self.skipped.values())}; emails {verb}={self.emails['digest'] + self.emails['single']}; "
                f"requeued={self.requeued}")

    def total(self, outcome: str) -> int:
        return sum(n for (o, _), n in self.outcomes.items() if o == outcome)

    def as_json(self) -> dict:
        """The tally as stored on the ReminderSweep row (the ledger)."""
        def nest(counter):
            out: dict = {}
            for (outer, kind), n in counter.items():
                out.setdefault(outer, {})[kind] = n
            return out

        return {"claimed": dict(self.counts), **nest(self.outcomes), "skipped": nest(self.skipped),
                "emails": dict(self.emails), "requeued": self.requeued}

    def table(self) -> list[str]:
        """The command's report: one line per kind, then the skips and the emails."""
        skip_reasons = sorted({reason for reason, _ in self.skipped})
        head = ["kind", EMAILED, POST_DIGEST, NO_RECIPIENT, *(f"skipped: {r}" for r in skip_reasons)]
        if self.busy:
            return ["Another sweep is running; this one did nothing."]
        lines = ["  ".join(f"{h:>{max(len(h), 7)}}" if i else f"{h:<11}" for i, h in enumerate(head))]
        for kind in Kind.values:
            cells = [self.outcomes[(EMAILED, kind)], self.outcomes[(POST_DIGEST, kind)],
                     self.outcomes[(NO_RECIPIENT, kind)], *(self.skipped[(r, kind)] for r in skip_reasons)]
            lines.append("  ".join([f"{kind:<11}", *(f"{n:>{max(len(h), 7)}}" for h, n in zip(head[1:], cells))]))
        verb = "would send" if self.dry_run else "sent"
        people = self.emails["digest"] + self.emails["single"]
        digests = self.emails["digest"]
        lines.append(f"emails to people: {people} ({digests} digest{'s' if digests != 1 else ''}, "
                     f"{self.emails['single']} single)"
                     f"{', ' + str(self.emails['failed']) + ' failed' if self.emails['failed'] else ''}; "
                     f"posts' daily digests: {self.counts.get(DIGEST, 0)}  ({verb})")
        return lines
