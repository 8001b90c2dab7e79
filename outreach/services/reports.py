"""Command output, the system user for commands, and the demo data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from cables.models import Cable, Post

from ..models import Demarche
from .common import Kind
from .demarches import create_demarche, default_dates, issue_demarche

KIND_ORDER = [Kind.DELIVER_NON_PAPER, Kind.SPECIAL, Kind.TALKING_POINTS, Kind.REPORT_BACK]


def command_user(username: str | None = None):
    """Return the user commands act as: the named one, the first desk officer, or a system account."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts.roles import DESK_OFFICERS

    User = get_user_model()
    if username:
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise ValidationError(f"No user {username}.")
    user = User.objects.filter(groups__name=DESK_OFFICERS, is_active=True).order_by("pk").first()
    if user:
        return user
    # No desk officer yet: an inactive account that cannot log in owns command-made demarches.
    user, created = User.objects.get_or_create(username="outreach-system", defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get_or_create(name=DESK_OFFICERS)[0])
    return user


def demarche_status(demarche: Demarche) -> dict:
    """Return the demarche_status JSON: posts with their tasks, per audience."""
    tasks = (
        demarche.tasks.filter(demarche_post__removed=False)
        .select_related("post")
        .order_by("post__name", "post_id", "audience")
    )
    entries: dict = {}
    for task in tasks:
        entries.setdefault((task.post.name, task.post_id, task.audience), []).append(task)
    return {
        "reference_id": demarche.reference_id,
        "state": demarche.state,
        "posts": [
            {
                "post": name,
                "audience": audience or None,
                "tasks": [
                    {"kind": t.kind, "status": t.status, "instruction": t.instruction, "due": t.due.isoformat()}
                    for t in sorted(group, key=lambda t: (KIND_ORDER.index(t.kind), t.position))
                ],
            }
            for (name, _, audience), group in sorted(
                entries.items(), key=lambda item: (item[0][0].casefold(), item[0][1], item[0][2] != "", item[0][2])
            )
        ],
    }


def describe(demarche: Demarche, *, existed: bool) -> str:
    """Return a short text summary of a demarche for the commands."""
    status = demarche_status(demarche)
    total = sum(len(e["tasks"]) for e in status["posts"])
    posts = {e["post"] for e in status["posts"]}
    lines = [
        f"{demarche.reference_id}: {'exists' if existed else 'created'}, {demarche.state}; "
        f"deliver by {demarche.deliver_by}, report by {demarche.report_by}; "
        f"{len(posts)} posts, {total} tasks"
    ]
    for entry in status["posts"]:
        audience = f" (for {entry['audience']})" if entry["audience"] else ""
        kinds = ", ".join(t["kind"] for t in entry["tasks"])
        lines.append(f"  {entry['post']}{audience}: {len(entry['tasks'])} tasks ({kinds})")
    flagged = demarche.tasks.exclude(needs_attention="").select_related("post")
    if flagged:
        lines.append("Flagged for the desk officer: " + ", ".join(sorted({t.post.name for t in flagged})))
    return "\n".join(lines)


@dataclass
class DemoLogin:
    role: str
    username: str
    password: str
    email: str


@dataclass
class DemoResult:
    cable: Cable
    cable_outcome: str
    demarche: Demarche
    demarche_created: bool
    logins: list[DemoLogin]


DEMO_USERS = [
    # (username, full name, role, post codes)
    ("desk", "Dana Desk", "Desk officers", ()),
    ("manager", "Morgan Manager", "Managers", ()),
    ("abudhabi", "Amal Abu Dhabi", "Embassy staff", ("abu-dhabi",)),
    ("hongkong", "Harper Hong Kong", "Embassy staff", ("hong-kong",)),
]


def demo_password(username: str) -> str:
    """Derive a demo user's password from SECRET_KEY, so every run prints the same one."""
    from django.utils.crypto import salted_hmac

    return "demo-" + salted_hmac("outreach.seed_demo", username).hexdigest()[:12]


def _demo_user(username: str, full_name: str, role: str, post_codes) -> DemoLogin:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    email = f"{username}@demo.outreach.example"
    first, last = full_name.split(" ", 1)
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"email": email, "first_name": first, "last_name": last}
    )
    password = demo_password(username)
    if not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    for post in Post.objects.filter(code__in=post_codes):
        post.staff.add(user)
    return DemoLogin(role + (f" ({', '.join(post_codes)})" if post_codes else ""), username, password, user.email)


def seed_demo() -> DemoResult:
    """Load the seed cable, create and issue its demarche, and create the demo users. Safe to run twice."""
    from cables.services import ingest_cable

    seed = Path(__file__).resolve().parent.parent / "demo" / "09STATE4690.txt"
    with transaction.atomic():
        logins = [_demo_user(*spec) for spec in DEMO_USERS]
        result = ingest_cable(seed.read_bytes(), filename=seed.name)
        desk = get_user_model_by_name("desk")
        existed = Demarche.objects.filter(reference_id=result.cable.reference_id).exists()
        deliver_by, report_by = default_dates()
        demarche = create_demarche(result.cable, by=desk, deliver_by=deliver_by, report_by=report_by)
        demarche = issue_demarche(demarche, by=desk)
    return DemoResult(result.cable, result.outcome, demarche, not existed, logins)


def get_user_model_by_name(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
