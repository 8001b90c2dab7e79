"""What a file is, told from its bytes: the types an attachment may have, and the name it is sent under.

The name and the browser's Content-Type are the uploader's to choose, so neither decides anything:
a page saved as "note.pdf" is still a page, and is refused.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

PDF, PNG, JPEG, GIF, WEBP = "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"
TEXT = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
OLE = "application/vnd.ms-office"  # .doc, .xls, .ppt: one container, told apart only by parsing
ODF_PREFIX = "application/vnd.oasis.opendocument."

# The words a refusal and the page's help use.
ACCEPTED = "PDF, images (PNG, JPEG, GIF, WebP), office documents (Word, Excel, PowerPoint, OpenDocument) and plain text"
# Markup a browser would run: refused even inside a "text" file.
MARKUP = re.compile(rb"<\s*(!doctype\s+html|html|svg|script|iframe|body|head|\?xml)\b", re.IGNORECASE)
OOXML = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}


class FileTypeError(ValueError):
    """The bytes are of no accepted type."""


def detect(data: bytes) -> str:
    """Return the content type of an accepted file from its bytes; raise FileTypeError for any other."""
    head = data[:16]
    if data.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    return _text_type(data)


def _zip_type(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                kind = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if kind.startswith(ODF_PREFIX):
                    return kind
            if "[Content_Types].xml" in names:
                for prefix, kind in OOXML.items():
                    if any(name.startswith(prefix) for name in names):
                        return kind
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, RuntimeError, NotImplementedError):
        raise FileTypeError("This archive is damaged or is not an office document.") from None
    raise FileTypeError(f"A zip archive is not accepted; attach {ACCEPTED}.")


def _text_type(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileTypeError(f"This is not a type the tracker accepts; attach {ACCEPTED}.") from None
    if "\x00" in text or any(unicodedata.category(c) == "Cc" and c not in "\t\n\r\f" for c in text[:4096]):
        raise FileTypeError(f"This is not a type the tracker accepts; attach {ACCEPTED}.")
    if MARKUP.search(data[:65536]):
        raise FileTypeError("HTML, SVG and XML files are not accepted: save the page as PDF and attach that.")
    return TEXT


def clean_name(name: str, limit: int = 200) -> str:
    """A file name safe to show and to send back: no folders, no control characters, bounded."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".") or "attachment"
    if len(name) > limit:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: limit - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:limit]
    return name


# Never inline, whatever was stored: types a browser would render as a page go out as bare bytes.
NEVER_SERVED_AS = ("text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/xml")


def served_type(content_type: str) -> str:
    """The Content-Type a download is sent with."""
    if content_type == TEXT:
        return "text/plain; charset=utf-8"
    if not content_type or content_type.split(";")[0].strip().lower() in NEVER_SERVED_AS:
        return "application/octet-stream"
    return content_type
