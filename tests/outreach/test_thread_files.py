"""Attachments: accepted by content not name, bounded per file and per post, downloaded only through the
thread's access rule, never inline."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from outreach.models import Attachment, Message, StoredFile
from outreach.threads import attachments
from outreach.threads import services as threads
from outreach.threads.files import FileTypeError, detect, served_type

from .threads_helpers import EXE, HTML, PDF, PNG, SVG, docx, dpost_of, plain_zip, upload, xlsx


@pytest.fixture
def ad(issued):
    return dpost_of(issued, "abu-dhabi")


def file_url(attachment) -> str:
    return reverse("outreach:thread_file", args=[attachment.demarche_post_id, attachment.pk])


def download(response) -> bytes:
    return b"".join(response.streaming_content)


# ---------------------------------------------------------------- what a file is


@pytest.mark.parametrize("data, kind", [
    (PDF, "application/pdf"),
    (PNG, "image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20), "image/jpeg"),
    (b"GIF89a" + bytes(20), "image/gif"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "application/vnd.ms-office"),
    ("Réponse de l'hôte : voir l'annexe.\n".encode(), "text/plain"),
])
def test_it_tells_the_type_from_the_bytes(data, kind):
    assert detect(data) == kind


def test_it_tells_office_documents_inside_their_zip():
    assert detect(docx()).endswith("wordprocessingml.document")
    assert detect(xlsx()).endswith("spreadsheetml.sheet")


@pytest.mark.parametrize("data, words", [
    (HTML, "HTML, SVG and XML files are not accepted"),
    (SVG, "HTML, SVG and XML files are not accepted"),
    (b"  \n<html><p>hi</p></html>", "HTML, SVG and XML files are not accepted"),
    (EXE, "not a type the tracker accepts"),
    (plain_zip(), "A zip archive is not accepted"),
    (b"PK\x03\x04 broken", "damaged"),
])
def test_it_refuses_what_a_browser_would_run_and_what_is_no_document(data, words):
    with pytest.raises(FileTypeError, match=words):
        detect(data)


def test_downloads_are_never_served_as_a_page():
    assert served_type("text/html") == served_type("image/svg+xml") == "application/octet-stream"
    assert served_type("text/plain") == "text/plain; charset=utf-8"


def test_a_page_named_like_a_pdf_is_refused_and_nothing_is_stored(client, ad, abu_dhabi_staff):
    client.force_login(abu_dhabi_staff)
    response = client.post(reverse("outreach:thread", args=[ad.pk]),
                           {"body": "The note", "files": [upload("note.pdf", HTML)]})
    assert response.status_code == 400
    assert "note.pdf: HTML, SVG and XML files are not accepted" in response.content.decode()
    assert not Message.objects.exists() and not Attachment.objects.exists() and not StoredFile.objects.exists()


def test_the_stored_type_comes_from_the_content_not_the_name_or_the_browser(ad, abu_dhabi_staff):
    message = threads.post_message(ad, by=abu_dhabi_staff, body="scan",
                                   files=[upload("scan.pdf", PNG, content_type="application/pdf")])
    [attachment] = message.attachments.all()
    assert (attachment.name, attachment.content_type, attachment.size) == ("scan.pdf", "image/png", len(PNG))
    assert attachment.sha256 == hashlib.sha256(PNG).hexdigest()


# ---------------------------------------------------------------- limits


def test_it_refuses_a_file_over_10_mb_with_a_clear_error(client, ad, abu_dhabi_staff):
    client.force_login(abu_dhabi_staff)
    big = PDF + bytes(10 * 1024 * 1024 + 1 - len(PDF))
    response = client.post(reverse("outreach:thread", args=[ad.pk]), {"body": "", "files": [upload("big.pdf", big)]})
    assert response.status_code == 400
    assert ("big.pdf is 10.0 MB (10,485,761 bytes); a file may be at most 10.0 MB (10,485,760 bytes)."
            in response.content.decode())
    exactly = PDF + bytes(10 * 1024 * 1024 - len(PDF))
    threads.post_message(ad, by=abu_dhabi_staff, body="", files=[upload("exact.pdf", exactly)])
    assert Attachment.objects.get().size == 10 * 1024 * 1024
    assert len(StoredFile.objects.get().data) == 10 * 1024 * 1024


def test_it_refuses_more_than_the_per_post_total(ad, abu_dhabi_staff, desk_officer, settings):
    settings.ATTACHMENT_MAX_BYTES, settings.ATTACHMENT_MAX_PER_POST = 2_000, 5_000
    pdf = PDF + bytes(2_000 - len(PDF))
    threads.post_message(ad, by=abu_dhabi_staff, body="", files=[upload("1.pdf", pdf), upload("2.pdf", pdf)])
    with pytest.raises(ValidationError, match=r"Abu Dhabi already holds 0\.0 MB of files on this demarche; adding "
                                              r"0\.0 MB would pass the limit of 0\.0 MB per post"):
        threads.post_message(ad, by=desk_officer, body="", files=[upload("3.pdf", pdf)])
    task = ad.tasks.first()
    with pytest.raises(ValidationError, match="would pass the limit"):
        attachments.attach_to_task(task, [upload("reply.pdf", pdf)], by=abu_dhabi_staff)
    assert Attachment.objects.count() == 2 and Message.objects.count() == 1
    # The limit is per demarche post: Hong Kong's thread has its own.
    hong_kong = dpost_of(ad.demarche, "hong-kong")
    attachments.attach_to_task(hong_kong.tasks.first(), [upload("hk.pdf", pdf)], by=desk_officer)


def test_it_refuses_an_empty_file_and_too_many_files(ad, abu_dhabi_staff):
    with pytest.raises(ValidationError, match="empty.pdf is empty"):
        threads.post_message(ad, by=abu_dhabi_staff, body="x", files=[upload("empty.pdf", b"")])
    with pytest.raises(ValidationError, match="At most 10 files at a time; this is 11"):
        threads.post_message(ad, by=abu_dhabi_staff, body="x", files=[upload(f"{i}.pdf", PDF) for i in range(11)])


# ---------------------------------------------------------------- downloads


@pytest.fixture
def reply(ad, abu_dhabi_staff):
    task = ad.tasks.first()
    [attachment] = attachments.attach_to_task(task, [upload("../../host reply\r\n.pdf", PDF)], by=abu_dhabi_staff)
    return attachment


def test_it_downloads_as_an_attachment_with_nosniff(client, reply, abu_dhabi_staff, desk_officer, manager):
    assert reply.name == "host reply.pdf"  # no folders, no control characters
    for user in (abu_dhabi_staff, desk_officer, manager):
        client.force_login(user)
        response = client.get(file_url(reply))
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="host reply.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"
        assert "sandbox" in response["Content-Security-Policy"]
        assert download(response) == PDF


def test_another_post_cannot_download_it(client, reply, hong_kong_staff, issued):
    client.force_login(hong_kong_staff)
    assert client.get(file_url(reply)).status_code == 404
    # Nor through its own thread's URL with the other post's file id.
    own = dpost_of(issued, "hong-kong")
    assert client.get(reverse("outreach:thread_file", args=[own.pk, reply.pk])).status_code == 404


def test_anonymous_cannot_download_it(client, reply):
    response = client.get(file_url(reply))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_text_file_is_sent_as_text_but_still_as_a_download(client, ad, abu_dhabi_staff):
    message = threads.post_message(ad, by=abu_dhabi_staff, body="",
                                   files=[upload("notes.html", b"Plain notes, no markup.", "text/html")])
    client.force_login(abu_dhabi_staff)
    response = client.get(file_url(message.attachments.get()))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")


def test_staff_attach_the_hosts_reply_to_a_task_from_its_page(client, ad, abu_dhabi_staff, manager):
    task = ad.tasks.first()
    client.force_login(abu_dhabi_staff)
    url = reverse("outreach:task_attach", args=[task.pk])
    assert client.post(url, {"files": [upload("reply.docx", docx())]}).status_code == 302
    page = client.get(task.get_absolute_url()).content.decode()
    attachment = Attachment.objects.get()
    assert attachment.task == task and file_url(attachment) in page
    client.force_login(manager)
    assert client.post(url, {"files": [upload("x.pdf", PDF)]}).status_code == 403
    assert Attachment.objects.count() == 1


def test_another_post_cannot_attach_to_a_task(client, ad, hong_kong_staff):
    client.force_login(hong_kong_staff)
    url = reverse("outreach:task_attach", args=[ad.tasks.first().pk])
    assert client.post(url, {"files": [upload("x.pdf", PDF)]}).status_code == 404
    assert not Attachment.objects.exists()


def test_files_are_in_the_database_and_have_no_public_url(reply):
    stored = StoredFile.objects.get(name=reply.file.name)
    assert bytes(stored.data) == PDF and stored.size == len(PDF)
    with pytest.raises(NotImplementedError, match="no public URL"):
        reply.file.url


def test_a_body_no_quota_could_hold_is_refused_before_it_is_read(client, ad, abu_dhabi_staff, settings):
    settings.ATTACHMENT_MAX_PER_POST = 1024
    client.force_login(abu_dhabi_staff)
    big = PDF + bytes(2 * 1024 * 1024)
    response = client.post(reverse("outreach:thread", args=[ad.pk]), {"body": "", "files": [upload("big.pdf", big)]})
    assert response.status_code == 413
    assert "a file may be at most 10 MB, and a post" in " ".join(response.content.decode().split())
    assert not Attachment.objects.exists()
