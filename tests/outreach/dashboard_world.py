"""A small, fully known world of posts, demarches and tasks for the dashboard and API tests.

Built directly with the models (bulk inserts), independent of the parser, so that the
dashboards can be tested with exact figures at any size.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone

from cables.models import Cable, Post
from outreach.models import Demarche, DemarchePost, PostTask

Kind, Status = PostTask.Kind, PostTask.Status
POSTS = [  # code, name, region
    ("t-abu-dhabi", "T Abu Dhabi", "NEA"),
    ("t-hong-kong", "T Hong Kong", "EAP"),
    ("t-canberra", "T Canberra", "EAP"),
    ("t-paris", "T Paris", "EUR"),
    ("t-nairobi", "T Nairobi", "AF"),
]


@dataclass
class World:
    today: date
    posts: dict = field(default_factory=dict)
    demarches: list = field(default_factory=list)


def make_posts(extra: int = 0) -> dict:
    rows = list(POSTS) + [(f"t-extra-{i}", f"T Extra {i:03d}", "WHA") for i in range(extra)]
    posts = {}
    for code, name, region in rows:
        posts[code], _ = Post.objects.get_or_create(
            code=code, defaults={"name": name, "kind": "embassy", "region": region, "country": name[2:]}
        )
    return posts


def make_demarche(
    reference_id: str,
    *,
    owner,
    posts,
    issued_on: date,
    state=Demarche.State.ISSUED,
    tags: str = "MTCRE PARM",
    subject: str = "",
) -> Demarche:
    text = f"{reference_id} {subject}"
    cable = Cable.objects.create(
        reference_id=reference_id,
        raw_text=text,
        raw_sha256=hashlib.sha256(text.encode()).hexdigest(),
        status=Cable.Status.PARSED,
        parser_version="test",
        parsed={"reference_id": reference_id},
        subject=subject or f"Subject of {reference_id}",
        tags_text=tags,
        is_action_request=True,
    )
    demarche = Demarche.objects.create(
        cable=cable,
        reference_id=reference_id,
        subject=subject or f"Subject of {reference_id}",
        owner=owner,
        state=state,
        deliver_by=issued_on + timedelta(days=7),
        report_by=issued_on + timedelta(days=14),
        issued_at=datetime.combine(issued_on, time(9), tzinfo=dt_timezone.utc) if state != "draft" else None,
    )
    tasks = []
    for post in posts:
        dpost = DemarchePost.objects.create(demarche=demarche, post=post)
        audiences = ["", "Macau"] if post.code == "t-hong-kong" else [""]
        for audience in audiences:
            kinds = (
                [Kind.SPECIAL, Kind.REPORT_BACK]
                if post.code == "t-canberra"
                else [Kind.DELIVER_NON_PAPER, Kind.TALKING_POINTS, Kind.REPORT_BACK]
            )
            for kind in kinds:
                due = demarche.report_by if kind == Kind.REPORT_BACK else demarche.deliver_by
                tasks.append(
                    PostTask(
                        demarche=demarche,
                        demarche_post=dpost,
                        post=post,
                        audience=audience,
                        kind=kind,
                        due=due,
                    )
                )
    PostTask.objects.bulk_create(tasks)
    return demarche


def complete(task: PostTask, on: date, *, response: str = "") -> None:
    """Mark a task done on a given day (bypassing the workflow, to place it in time)."""
    PostTask.objects.filter(pk=task.pk).update(
        status=Status.DONE,
        completed_at=datetime.combine(on, time(12), tzinfo=dt_timezone.utc),
        delivered_on=on if task.kind != Kind.REPORT_BACK else None,
        response=response,
    )


def build_world(owner, *, today: date, extra_demarches: int = 0, extra_posts: int = 0) -> World:
    """Two known demarches plus `extra_demarches` more (to check query counts do not grow).

    09STATE4690 (issued 20 days ago: deliver_by 13 days ago, report_by 6 days ago):
      Abu Dhabi delivered on time (day 3) and reported on time (day 10), acknowledged;
      Paris delivered late (day 9), report still open (overdue);
      Hong Kong delivered to the host government on day 2, nothing else (Macau overdue);
      Canberra did its special task on day 5 and reported on day 12;
      Nairobi did nothing and never acknowledged.
    10STATE284 (issued 2 days ago, nothing due yet): all five posts, nothing done.
    """
    world = World(today=today)
    world.posts = make_posts(extra_posts)
    core = [world.posts[code] for code, _, _ in POSTS]
    issued = today - timedelta(days=20)
    seed = make_demarche(
        "09STATE4690",
        owner=owner,
        posts=core,
        issued_on=issued,
        tags="MTCRE PARM KSCA",
        subject="MTCR: demarche on missile technology",
    )
    fresh = make_demarche(
        "10STATE284",
        owner=owner,
        posts=core + list(world.posts.values())[len(POSTS) :],
        issued_on=today - timedelta(days=2),
        tags="PREL",
        subject="Human rights dialogue",
    )
    world.demarches = [seed, fresh]
    tasks = {(t.post.code, t.audience, t.kind): t for t in seed.tasks.select_related("post")}
    day = issued.__add__
    complete(tasks["t-abu-dhabi", "", Kind.DELIVER_NON_PAPER], day(timedelta(days=3)))
    complete(tasks["t-abu-dhabi", "", Kind.TALKING_POINTS], day(timedelta(days=3)))
    complete(tasks["t-abu-dhabi", "", Kind.REPORT_BACK], day(timedelta(days=10)), response="welcomed")
    complete(tasks["t-paris", "", Kind.DELIVER_NON_PAPER], day(timedelta(days=9)))
    complete(tasks["t-hong-kong", "", Kind.DELIVER_NON_PAPER], day(timedelta(days=2)))
    complete(tasks["t-canberra", "", Kind.SPECIAL], day(timedelta(days=5)))
    complete(tasks["t-canberra", "", Kind.REPORT_BACK], day(timedelta(days=12)), response="noted")
    DemarchePost.objects.filter(demarche=seed).exclude(post__code="t-nairobi").update(
        acknowledged_at=datetime.combine(issued, time(10), tzinfo=dt_timezone.utc)
    )
    for i in range(extra_demarches):
        d = make_demarche(
            f"11STATE{1000 + i}",
            owner=owner,
            posts=core,
            issued_on=today - timedelta(days=30 + i),
            tags="ECON",
            subject=f"Extra demarche {i}",
        )
        first = d.tasks.filter(kind=Kind.DELIVER_NON_PAPER).order_by("pk").first()
        complete(first, today - timedelta(days=25 + i))
        world.demarches.append(d)
    return world
