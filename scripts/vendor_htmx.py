"""Fetch (or check) the front-end library the console serves from /static/.

    python scripts/vendor_htmx.py           # fetch from the npm registry, verify, write
    python scripts/vendor_htmx.py --check   # only compare the files with VENDOR.md

Each package is fetched with ``npm pack NAME@VERSION`` (the npm registry, npm's own
client); the tarball's sha512 must equal the registry's ``integrity`` recorded in
alertbot/web/static/VENDOR.md, and the one file the console needs is copied out of it.
VENDOR.md also records each served file's sha256, which the unit test
tests/unit/test_vendored_assets.py checks on every run. Exit 0 when all match, else 1.
"""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "alertbot" / "web" / "static"
VENDOR = STATIC / "VENDOR.md"
# | file | package | version | file in the tarball | integrity (sha512) | sha256 of the file |
ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|\s*`([^`]+)`"
                 r"\s*\|\s*`(sha512-[^`]+)`\s*\|\s*`([0-9a-f]{64})`\s*\|$")


def rows() -> list[tuple[str, ...]]:
    """The table of VENDOR.md: (file, package, version, member, integrity, sha256)."""
    return [m.groups() for line in VENDOR.read_text(encoding="utf-8").splitlines()
            if (m := ROW.match(line.strip()))]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(package: str, version: str, member: str, integrity: str, into: Path) -> bytes:
    """The bytes of ``member`` in the registry's tarball of ``package@version``, after
    checking the tarball against ``integrity``; raises SystemExit on a mismatch."""
    out = subprocess.run(["npm", "pack", f"{package}@{version}", "--silent"], cwd=into,
                         check=True, capture_output=True, text=True).stdout.split()[-1]
    tarball = into / out
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != integrity:
        raise SystemExit(f"{package}@{version}: integrity {digest} != recorded {integrity}")
    with tarfile.open(tarball) as tar:
        handle = tar.extractfile(member)
        if handle is None:
            raise SystemExit(f"{package}@{version}: no {member} in the tarball")
        return handle.read()


def main(argv: list[str]) -> int:
    check_only = "--check" in argv
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, package, version, member, integrity, recorded in rows():
            target = STATIC / name
            if not check_only:
                target.write_bytes(fetch(package, version, member, integrity, Path(tmp)))
            actual = sha256(target) if target.exists() else "(missing)"
            ok = actual == recorded
            bad += not ok
            print(f"{'ok ' if ok else 'BAD'} {name}: {package}@{version} sha256 {actual}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
