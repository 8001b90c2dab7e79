"""The seed world every security test walks: the seed demarche, issued, and one user per role."""

import html
import re
from dataclasses import dataclass, field

import pytest

from tests.conftest import read_cable

OWN_POSTS = {"ad": "abu-dhabi", "hk": "hong-kong"}
FOREIGN_MARKERS = {  # literal markings a post's pages must never show to another post
    "abu-dhabi": "RELEASABLE UAE",
    "hong-kong": "RELEASABLE HONG KONG",
    "astana": "RELEASABLE KAZAKHSTAN",
}


@dataclass
class World:
    cable: object
    demarche: object
    users: dict  # role name -> user (None for anonymous)
    tasks_by_post: dict  # post code -> [task ids]
    dposts_by_post: dict  # post code -> DemarchePost id
    texts_by_post: dict = field(default_factory=dict)  # post code -> talking point texts
    files_by_post: dict = field(default_factory=dict)  # post code -> [attachment and message ids] of its thread

    def foreign_fragments(self, own_code: str) -> list[str]:
        """Distinctive snippets of other posts' points that never occur in this post's own points."""
        own = " ".join(normalise(t) for t in self.texts_by_post.get(own_code, []))
        fragments = []
        for code, texts in self.texts_by_post.items():
            if code == own_code:
                continue
            for text in texts:
                snippet = normalise(text)[:60]
                if len(snippet) >= 30 and snippet not in own:
                    fragments.append(snippet)
            if code in FOREIGN_MARKERS and FOREIGN_MARKERS[code] not in own.upper():
                fragments.append(FOREIGN_MARKERS[code])
        return sorted(set(fragments))


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(text)).strip().lstrip("-").strip()


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value] if len(value) > 30 else []
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def build_world(desk_officer, manager, make_embassy_user) -> World:
    """Ingest the seed cable, create and issue its demarche through the services, as a desk officer would."""
    from cables.services import ingest_cable
    from outreach.models import DemarchePost, PostTask
    from outreach.services import create_demarche, issue_demarche

    cable = ingest_cable(read_cable("09STATE4690.txt"), filename="09STATE4690.txt", by=desk_officer).cable
    demarche = issue_demarche(create_demarche(cable, by=desk_officer), by=desk_officer)
    users = {
        "anonymous": None,
        "desk": desk_officer,
        "manager": manager,
        "ad": make_embassy_user("ad_staff", "abu-dhabi"),
        "hk": make_embassy_user("hk_staff", "hong-kong"),
    }
    tasks_by_post: dict = {}
    texts_by_post: dict = {}
    for task in PostTask.objects.filter(demarche=demarche).select_related("post"):
        tasks_by_post.setdefault(task.post.code, []).append(task.pk)
        texts_by_post.setdefault(task.post.code, []).extend(_strings(task.talking_points))
    dposts = dict(DemarchePost.objects.filter(demarche=demarche).values_list("post__code", "pk"))
    for code in ("abu-dhabi", "hong-kong", "astana"):
        assert tasks_by_post.get(code), f"the seed demarche has no task for {code}"
        assert texts_by_post.get(code), f"the seed demarche gives {code} no talking points"
    return World(cable, demarche, users, tasks_by_post, dposts, texts_by_post, thread_world(users, dposts))


def thread_world(users, dposts) -> dict:
    """A question with a file from each seed post's staff, a file on a task, and the desk's answer to one."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from outreach.models import DemarchePost
    from outreach.threads import attachments, services

    pdf = b"%PDF-1.4\n%%EOF\n"
    found: dict = {}
    for role, code in OWN_POSTS.items():
        dpost = DemarchePost.objects.select_related("demarche", "post").get(pk=dposts[code])
        message = services.post_message(dpost, by=users[role], body=f"Question from {code}", is_question=True,
                                        files=[SimpleUploadedFile(f"{code}.pdf", pdf)])
        [on_task] = attachments.attach_to_task(dpost.tasks.first(), [SimpleUploadedFile("reply.pdf", pdf)],
                                               by=users[role])
        found[code] = [message.attachments.get().pk, on_task.pk, message.pk]
    services.post_message(DemarchePost.objects.select_related("demarche", "post").get(pk=dposts["abu-dhabi"]),
                          by=users["desk"], body="The desk's answer")
    return found


@pytest.fixture
def world(db, desk_officer, manager, make_embassy_user) -> World:
    return build_world(desk_officer, manager, make_embassy_user)


@pytest.fixture
def throttled(settings):
    """Login throttling on (the test settings turn it off), with a clean slate before and after."""
    settings.AXES_ENABLED = True
    from axes.utils import reset

    reset()
    yield
    reset()


def attempt(client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})
