"""``alertbot watchdog``: check the instances, text the admins (see ``__init__``).

    alertbot watchdog https://a.example.org https://b.example.org
    ALERTBOT_WATCHDOG_URLS="https://a.example.org https://b.example.org" alertbot watchdog

Environment: ``ALERTBOT_WATCHDOG_URLS`` (space- or comma-separated base URLs, used when
none are given as arguments), ``ALERTBOT_WATCHDOG_STATE`` (the state file, default
``./alertbot-watchdog.json``), ``ALERTBOT_WATCHDOG_REMIND`` (how often to text again while
still down, default ``1h``; ``0``: never), ``ALERTBOT_CONFIG``/``ALERTBOT_CONTACTS`` (who
the admins are), ``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``, ``TWILIO_FROM``,
``TWILIO_API_URL``. Texts go through the official Twilio SDK (``messages.create``),
one per admin, never through alertbot itself: it is the thing that is down.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import aiohttp

from alertbot.clock import local_time
from alertbot.core.durations import format_duration, parse_duration
from alertbot.core.model import Config
from alertbot.settings import Settings
from alertbot.text.watchdog import watchdog_text
from alertbot.watchdog import CHECK_TIMEOUT
from alertbot.watchdog.state import Action, WatchState, decide, load_state, save_state

EXIT_HEALTHY, EXIT_DOWN, EXIT_USAGE, EXIT_UNSENT = 0, 1, 2, 3
DEFAULT_REMIND = 3600.0


async def check_instance(session: aiohttp.ClientSession, base: str) -> tuple[bool, str]:
    """Whether ``base``/healthz answers 200 with ``"status": "ok"``, and what it said."""
    try:
        async with session.get(base.rstrip("/") + "/healthz") as response:
            body: Any = await response.json(content_type=None)
            ok = response.status == 200 and isinstance(body, dict) and body.get(
                "status") == "ok"
            return ok, f"HTTP {response.status}"
    except (aiohttp.ClientError, TimeoutError, OSError, ValueError) as exc:
        return False, type(exc).__name__


async def check_all(urls: Sequence[str], check_timeout: float) -> list[tuple[str, bool, str]]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=check_timeout)) as session:
        results = await asyncio.gather(*(check_instance(session, u) for u in urls))
    return [(url, ok, why) for url, (ok, why) in zip(urls, results, strict=True)]


async def text_admins(settings: Settings, config: Config, key: str, out: TextIO,
                      **values: object) -> tuple[int, int]:
    """Text ``key`` to every admin with a phone, each in their language; (sent, failed)."""
    from alertbot.twilio.sms_sender import create_resource, make_twilio_client

    assert settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from
    client, http = make_twilio_client(settings.twilio_account_sid,
                                      settings.twilio_auth_token.value, settings.twilio_api_url)
    sent = failed = 0
    try:
        for admin in config.admin_contacts():
            if not admin.phone:
                continue
            body = watchdog_text(key, admin.language, **values)
            try:
                await create_resource(client.messages.create_async(
                    to=admin.phone, from_=settings.twilio_from, body=body))
                sent += 1
            except Exception as exc:  # noqa: BLE001 - reported, the others still texted
                failed += 1
                print(f"alertbot watchdog: could not text {admin.id}: {exc}", file=out)
    finally:
        await http.close()
    return sent, failed


async def watch(urls: Sequence[str], settings: Settings, config: Config, state_path: Path,
                remind: float, now: float, check_timeout: float = CHECK_TIMEOUT,
                out: TextIO = sys.stderr) -> int:
    """One watchdog run at ``now``: check, text if needed, save the state; exit status."""
    results = await check_all(urls, check_timeout)
    for url, ok, why in results:
        print(f"{url}: {'healthy' if ok else 'NOT healthy'} ({why})", file=out)
    healthy = any(ok for _, ok, _ in results)
    before = load_state(state_path)
    action, after = decide(before, healthy, now, remind)
    if action is Action.NONE:
        save_state(state_path, after)
        return EXIT_HEALTHY if healthy else EXIT_DOWN
    since = after.down_since if after.down_since is not None else before.down_since
    values = {"count": len(urls),
              "since": local_time(since if since is not None else now, config.timezone),
              "down_for": format_duration(round(now - (since if since is not None else now)))}
    sent, failed = await text_admins(settings, config, str(action), out, **values)
    print(f"alertbot watchdog: {action}: texted {sent} admin(s), {failed} failed", file=out)
    if sent == 0 and action is not Action.RECOVERED:
        save_state(state_path, WatchState(after.down_since, before.alerted_at))
        return EXIT_UNSENT  # nobody was told: the next run tries again
    save_state(state_path, after)
    return EXIT_HEALTHY if healthy else EXIT_DOWN


def _urls(args: argparse.Namespace) -> list[str]:
    raw = list(args.urls) or os.environ.get("ALERTBOT_WATCHDOG_URLS", "").replace(
        ",", " ").split()
    return [u for u in raw if u]


def cmd_watchdog(args: argparse.Namespace) -> int:
    from alertbot.cli import _load

    urls = _urls(args)
    if not urls:
        print("alertbot watchdog: name the instances' base URLs as arguments or in "
              "ALERTBOT_WATCHDOG_URLS", file=sys.stderr)
        return EXIT_USAGE
    settings = Settings.from_env()
    if not settings.twilio_configured:
        print("alertbot watchdog: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM "
              "(it texts the admins directly through Twilio)", file=sys.stderr)
        return EXIT_USAGE
    config, problems = _load(settings)
    if config is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        return EXIT_USAGE
    try:
        remind = parse_duration(args.remind or os.environ.get("ALERTBOT_WATCHDOG_REMIND")
                                or DEFAULT_REMIND)
    except ValueError as exc:
        print(f"alertbot watchdog: --remind: {exc}", file=sys.stderr)
        return EXIT_USAGE
    state = Path(args.state or os.environ.get("ALERTBOT_WATCHDOG_STATE")
                 or "alertbot-watchdog.json")
    return asyncio.run(watch(urls, settings, config, state, remind, time.time(),
                             args.timeout))
