"""Attachments: checked by size and by content, stored where every web node reads them, read back through
the thread's access rule.

Limits (settings): ATTACHMENT_MAX_BYTES per file (10 MB), ATTACHMENT_MAX_PER_POST per demarche post
(50 MB, the thread's files and its tasks' together). A refusal names the file, its size and the limit.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum

from ..models import Attachment, DemarchePost, Message, PostTask
from ..services.history import record_event
from . import files as filetypes
from .access import require_writer

# At most this many files in one message or one upload: a bound like every list a user sends.
MAX_FILES = 10


def _mb(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"


def used_bytes(dpost: DemarchePost) -> int:
    return Attachment.objects.filter(demarche_post=dpost).aggregate(n=Sum("size"))["n"] or 0


def _read(upload, limit: int) -> bytes:
    """The upload's bytes, refusing before reading a file whose declared size is over the limit."""
    name = filetypes.clean_name(getattr(upload, "name", ""))
    declared = getattr(upload, "size", None)
    too_big = f"a file may be at most {_mb(limit)} ({limit:,} bytes)."
    if declared is not None and declared > limit:
        raise ValidationError({"files": f"{name} is {_mb(declared)} ({declared:,} bytes); {too_big}"})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError({"files": f"{name} is over {_mb(limit)}; {too_big}"})
    if not data:
        raise ValidationError({"files": f"{name} is empty."})
    return data


def store(dpost: DemarchePost, uploads, *, by, message: Message | None = None,
          task: PostTask | None = None) -> list[Attachment]:
    """Check every upload, then store them all on the message or task; any refusal stores none.

    The caller holds the demarche post's row lock, so two uploads at once cannot pass the quota together.
    """
    uploads = [u for u in uploads if u]
    if not uploads:
        return []
    if len(uploads) > MAX_FILES:
        raise ValidationError({"files": f"At most {MAX_FILES} files at a time; this is {len(uploads)}."})
    per_file, per_post = settings.ATTACHMENT_MAX_BYTES, settings.ATTACHMENT_MAX_PER_POST
    checked = []
    for upload in uploads:
        data = _read(upload, per_file)
        name = filetypes.clean_name(getattr(upload, "name", ""))
        try:
            kind = filetypes.detect(data)
        except filetypes.FileTypeError as exc:
            raise ValidationError({"files": f"{name}: {exc}"}) from None
        checked.append((name, kind, data))
    used, adding = used_bytes(dpost), sum(len(d) for _, _, d in checked)
    if used + adding > per_post:
        raise ValidationError({"files": (
            f"{dpost.post.name} already holds {_mb(used)} of files on this demarche; adding {_mb(adding)} "
            f"would pass the limit of {_mb(per_post)} per post.")})
    stored = []
    for name, kind, data in checked:
        attachment = Attachment(demarche_post=dpost, message=message, task=task, name=name, content_type=kind,
                                size=len(data), sha256=hashlib.sha256(data).hexdigest(), uploaded_by=by)
        attachment.file.save(name, ContentFile(data), save=False)
        attachment.save()
        stored.append(attachment)
    return stored


@transaction.atomic
def attach_to_task(task: PostTask, uploads, *, by) -> list[Attachment]:
    """Attach files to a task: the note as delivered, the host's written reply. Same writers as the thread."""
    # The tasking's row only, as post_message locks it: with its demarche's too (locked after the tasking's),
    # an upload and a step recorded at the post (demarche, then tasking) could wait on each other.
    dpost = (
        DemarchePost.objects.select_for_update(of=("self",)).select_related("demarche", "post")
        .get(pk=task.demarche_post_id)
    )
    require_writer(by, dpost)
    if not [u for u in uploads if u]:
        raise ValidationError({"files": "Choose a file to attach."})
    stored = store(dpost, uploads, by=by, task=task)
    record_event(dpost.demarche, "files_attached", by=by, task=task, figures=False,
                 note=", ".join(f"{a.name} ({_mb(a.size)})" for a in stored))
    return stored
