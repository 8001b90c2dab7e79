"""Time the thread pages and file transfers on the seed demarche, with the default database storage.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/outreach_threads_bench DJANGO_TESTING=1
    .venv/bin/python manage.py migrate && .venv/bin/python bench/bench_threads.py [--messages 200] [--runs 5]

Runs seed_demo, gives every post of the seed demarche a thread of --messages messages (one in ten a
question) and Abu Dhabi a 10 MB PDF, then times, through Django's test Client (whole request: queries
and template): the upload, the download, Abu Dhabi's thread page, the demarche matrix and its CSV export
(which read every thread's last message and pending question), and the overview. Prints a table of the
median time and the queries of each.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from outreach.models import Attachment, Message  # noqa: E402
from outreach.services import seed_demo  # noqa: E402


def fill(demarche, per_post: int) -> None:
    """Give every post's thread `per_post` messages, alternating post and desk, one in ten a question."""
    desk = get_user_model().objects.get(username="desk")
    rows = []
    for dpost in demarche.posts.select_related("post"):
        staff = dpost.post.staff.first() or desk
        for i in range(per_post - dpost.messages.count()):
            from_desk = i % 2 == 1
            rows.append(Message(demarche_post=dpost, author=desk if from_desk else staff, from_desk=from_desk,
                                body=f"Message {i} about the non-paper, see https://example.org/{i}",
                                is_question=not from_desk and i % 10 == 0))
    Message.objects.bulk_create(rows, batch_size=2000)


def timed(client, method: str, url: str, runs: int, **kwargs):
    times, queries, status = [], 0, None
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = getattr(client, method)(url, **kwargs)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            times.append(time.perf_counter() - start)
        queries, status = len(ctx.captured_queries), response.status_code
    return statistics.median(times) * 1000, queries, status


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    demarche = seed_demo().demarche
    fill(demarche, args.messages)
    ad = demarche.posts.get(post__code="abu-dhabi")
    staff, desk = Client(), Client()
    staff.force_login(get_user_model().objects.get(username="abudhabi"))
    desk.force_login(get_user_model().objects.get(username="desk"))
    pdf = b"%PDF-1.4\n" + os.urandom(10 * 1024 * 1024 - 9)
    Attachment.objects.filter(demarche_post=ad).delete()  # a rerun starts under the 50 MB quota
    upload = timed(staff, "post", reverse("outreach:thread", args=[ad.pk]), 1,
                   data={"body": "The note as delivered", "files": [SimpleUploadedFile("note.pdf", pdf)]})
    attachment = Attachment.objects.filter(demarche_post=ad).latest("pk")
    rows = [
        ("upload 10 MB PDF (staff)", upload),
        ("download 10 MB PDF (staff)",
         timed(staff, "get", reverse("outreach:thread_file", args=[ad.pk, attachment.pk]), args.runs)),
        (f"thread page, latest 100 of {args.messages} (staff)",
         timed(staff, "get", reverse("outreach:thread", args=[ad.pk]), args.runs)),
        ("thread API page of 50 (staff)",
         timed(staff, "get", reverse("api:thread-messages", args=[ad.pk]), args.runs)),
        (f"matrix, {demarche.posts.count()} threads (desk)",
         timed(desk, "get", reverse("outreach:dash_demarche", args=[demarche.reference_id]), args.runs)),
        ("matrix CSV export (desk)",
         timed(desk, "get", reverse("outreach:dash_demarche", args=[demarche.reference_id]), args.runs,
               data={"_export": "csv"})),
        ("demarche list (desk)", timed(desk, "get", reverse("outreach:demarche_list"), args.runs)),
        ("threads list (desk)", timed(desk, "get", reverse("outreach:thread_list"), args.runs)),
    ]
    print(f"{'request':<40} {'median ms':>10} {'queries':>8} {'status':>7}")
    for name, (ms, queries, status) in rows:
        print(f"{name:<40} {ms:>10.1f} {queries:>8} {status:>7}")
    print(f"messages: {Message.objects.count():,}; pending questions: {Message.objects.pending().count():,}")


if __name__ == "__main__":
    main()
