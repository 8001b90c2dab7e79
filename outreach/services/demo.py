"""The demo data of `manage.py seed_demo`: the seed cable, its issued demarche and one user per role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from cables.models import Cable, Post

from ..models import Demarche
from .demarches import create_demarche, default_dates, issue_demarche
from .replies import receive_cable


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
    seed = Path(__file__).resolve().parent.parent / "demo" / "09STATE4690.txt"
    with transaction.atomic():
        logins = [_demo_user(*spec) for spec in DEMO_USERS]
        result = receive_cable(seed.read_bytes(), filename=seed.name)
        desk = get_user_model_by_name("desk")
        existed = Demarche.objects.filter(reference_id=result.cable.reference_id).exists()
        deliver_by, report_by = default_dates()
        demarche = create_demarche(result.cable, by=desk, deliver_by=deliver_by, report_by=report_by)
        demarche = issue_demarche(demarche, by=desk)
    return DemoResult(result.cable, result.outcome, demarche, not existed, logins)


def get_user_model_by_name(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
