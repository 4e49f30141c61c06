"""A document's type comes from its bytes, never from what the sender declared."""

from __future__ import annotations

import pytest

from alertbot.core.documents import (
    HEIC,
    JPEG,
    PDF,
    PNG,
    RETRY_MAX,
    filename,
    retry_delay,
    sniff,
)

HEIC_HEAD = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"


@pytest.mark.parametrize(("head", "kind"), [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", JPEG),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", PNG),
    (b"%PDF-1.7\n%\xe2\xe3", PDF),
    (HEIC_HEAD, HEIC),
    (b"\x00\x00\x00\x1cftypmp42\x00\x00\x00\x00mif1", HEIC),  # a compatible brand
    (b"\x00\x00\x00\x1cftypmp42\x00\x00\x00\x00isom", None),  # an MP4 video
    (b"<html><script>alert(1)</script>", None),
    (b"GIF89a", None),
    (b"", None),
])
def test_sniff_knows_photos_and_pdfs_only(head: bytes, kind: str | None) -> None:
    assert sniff(head) == kind


def test_retries_back_off_and_respect_retry_after_within_the_cap() -> None:
    assert [retry_delay(n) for n in (1, 2, 3)] == [5.0, 10.0, 20.0]
    assert retry_delay(30) == RETRY_MAX
    assert retry_delay(1, retry_after=60) == 60.0
    assert retry_delay(1, retry_after=1e9) == RETRY_MAX


def test_download_names_are_safe_in_a_header() -> None:
    assert filename(12, 7, JPEG) == "incident-12-document-7.jpg"
    assert filename(12, 7, None) == "incident-12-document-7.bin"
