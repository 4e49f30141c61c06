"""What a document is, by its first bytes, and when to try a fetch again. Pure.

The type a sender's phone declares (``MediaContentTypeN``) is not trusted: the file's
own signature ("magic bytes") decides, and only photos and PDFs are kept (issue 12):

* JPEG: ``FF D8 FF`` (ISO/IEC 10918-1 start-of-image marker)
* PNG: ``89 50 4E 47 0D 0A 1A 0A`` (PNG specification, section 5.2)
* HEIC/HEIF: an ISO base media file whose ``ftyp`` box (bytes 4-8) names a HEIF brand
  (``heic``, ``heix``, ``mif1``…; ISO/IEC 23008-12), what iPhones send
* PDF: ``%PDF-`` (ISO 32000-1, section 7.5.2)
"""

from __future__ import annotations

import re

JPEG, PNG, HEIC, PDF = "image/jpeg", "image/png", "image/heic", "application/pdf"
KEPT_TYPES = (JPEG, PNG, HEIC, PDF)
IMAGES = frozenset({JPEG, PNG})  # shown inline in a browser; HEIC and PDF are links
HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1",
                         b"msf1", b"avif"})
SNIFF_BYTES = 32  # bytes of the file's head ``sniff`` needs

RETRY_FIRST = 5.0  # seconds before the first retry of a fetch or delete that may pass
RETRY_MAX = 600.0  # never wait longer than this between tries
GIVE_UP_AFTER = 12  # tries of a fetch (about 40 minutes of backoff); deletes go on


def sniff(head: bytes) -> str | None:
    """The content type of a file from its first bytes (at least ``SNIFF_BYTES`` when
    the file is that long), or None when it is none of ``KEPT_TYPES``."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"%PDF-"):
        return PDF
    if head[4:8] == b"ftyp":
        brands = {head[8:12]} | {head[i:i + 4] for i in range(16, min(len(head), 32), 4)}
        if brands & HEIF_BRANDS:
            return HEIC
    return None


def retry_delay(attempts: int, retry_after: float | None = None) -> float:
    """Seconds before try ``attempts + 1``: 5 s doubling per try up to 10 minutes, or
    the provider's ``Retry-After`` when it asks for longer."""
    delay = min(RETRY_MAX, RETRY_FIRST * 2 ** max(0, attempts - 1))
    return float(max(delay, min(retry_after or 0.0, RETRY_MAX)))


EXTENSIONS = {JPEG: "jpg", PNG: "png", HEIC: "heic", PDF: "pdf"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def filename(incident_id: int, document_id: int, content_type: str | None) -> str:
    """A safe download name: ``incident-12-document-7.jpg`` (ASCII letters, digits,
    dots and dashes only: it goes into a Content-Disposition header)."""
    ext = EXTENSIONS.get(content_type or "", "bin")
    return _UNSAFE.sub("-", f"incident-{incident_id}-document-{document_id}.{ext}")
