"""The console's static files: the vendored library is what VENDOR.md records, the
templates carry no inline script or style, and every word exists in both languages."""

from __future__ import annotations

import hashlib
import re
import wave
from pathlib import Path

from alertbot.text.console import TEXT, say
from scripts.vendor_htmx import STATIC, rows

TEMPLATES = Path(STATIC).parent / "templates"


def test_each_vendored_file_matches_the_sha256_in_vendor_md() -> None:
    recorded = rows()
    assert {r[0] for r in recorded} == {"htmx.min.js", "htmx-ext-sse.js"}
    for name, package, version, _member, integrity, sha in recorded:
        actual = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()
        assert actual == sha, f"{name} is not {package}@{version} as recorded"
        assert integrity.startswith("sha512-") and len(integrity) == 95


def test_the_htmx_on_disk_is_the_version_vendor_md_names() -> None:
    assert b'version:"2.0.11"' in (STATIC / "htmx.min.js").read_bytes()


def test_no_template_has_inline_script_style_or_handlers() -> None:
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<style" not in text and " style=" not in text, path.name
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path.name
        assert not re.search(r"\bon[a-z]+=|hx-on|javascript:", text), path.name


def test_htmx_is_told_to_inject_no_style_and_eval_nothing() -> None:
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    assert '"includeIndicatorStyles": false' in base and '"allowEval": false' in base


def test_the_beep_is_a_short_wav_made_here() -> None:
    with wave.open(str(STATIC / "beep.wav")) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert 0.1 < seconds < 1.0
    assert (STATIC / "beep.wav").stat().st_size < 4000


def test_english_and_spanish_have_the_same_console_words() -> None:
    assert TEXT["en"].keys() == TEXT["es"].keys()
    assert say("es", "unacked") == "Sin atender"
    assert say("fr", "unacked") == "Not acknowledged"  # an unknown language: English
    assert say("en", "no-such-key") == "no-such-key"
