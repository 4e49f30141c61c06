"""The ``alertbot`` command: serve, check, plan, readiness, watchdog, keygen, reseal."""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import sys
from collections.abc import Sequence

from alertbot import watchdog
from alertbot.config.loader import NO_WAIT_FLOORS, WAIT_FLOORS, load_config
from alertbot.config.yamlmap import Problem
from alertbot.core.model import Config
from alertbot.core.redact import Secret
from alertbot.logsetup import start_logging
from alertbot.settings import Settings, SettingsError


def _load(settings: Settings) -> tuple[Config | None, list[Problem]]:
    problems: list[Problem] = []
    floors = NO_WAIT_FLOORS if settings.allow_short_waits else WAIT_FLOORS
    return load_config(settings.config_path, settings.contacts_path, problems,
                       floors), problems


def cmd_check(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    config, problems = _load(settings)
    for problem in problems:
        print(problem, file=sys.stdout)
    if config is None:
        return 1
    if config.fallback_phone is None:  # allowed, but then nobody is pointed anywhere
        print(f"warning: {settings.config_path}: fallback_phone is not set: a number not in "
              "contacts, or a text alertbot could not record, is told no number to call",
              file=sys.stderr)
    print(f"ok: {len(config.schools)} schools, {len(config.contacts)} contacts, "
          f"{len(config.incidents)} incident types, {len(config.escalations)} escalations",
          file=sys.stderr)
    return 0


def _stored_away(settings: Settings, now: float) -> dict[str, float]:
    """Who is away now (contact id -> end), from the database if there is one; {} when
    there is none yet (``plan`` never creates it) or it cannot be read (said on stderr)."""
    from alertbot.store.existing import NoDatabaseError, open_existing

    async def read() -> dict[str, float]:
        try:
            store = await open_existing(settings.database_url, keyring=settings.keyring())
        except NoDatabaseError:
            return {}  # nobody has said AWAY to a service that never ran here
        try:
            return await store.read(lambda tx: tx.away_ends(now))
        finally:
            await store.close()

    try:
        return asyncio.run(read())
    except Exception as exc:  # noqa: BLE001 - the plan still prints, without AWAYs
        print(f"alertbot plan: could not read who is away ({type(exc).__name__}); "
              "showing the plan as if nobody were", file=sys.stderr)
        return {}


def cmd_plan(args: argparse.Namespace) -> int:
    import time

    from alertbot.text.planview import render_plan

    settings = Settings.from_env()
    config, problems = _load(settings)
    if config is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    now = time.time()
    try:
        sys.stdout.write(render_plan(config, args.incident, args.school,
                                     away=_stored_away(settings, now), now=now))
    except KeyError as exc:
        print(f"alertbot plan: {exc.args[0]}", file=sys.stderr)
        return 2
    return 0


def cmd_readiness(args: argparse.Namespace) -> int:
    """Print readiness (or its JSON); exit 1 when a step can reach nobody, 2 on config
    errors, 3 when there is no database ``serve`` made at ALERTBOT_DATABASE_URL."""
    import json
    import time

    from alertbot.service.readiness import readiness, sources_from
    from alertbot.store.existing import NoDatabaseError, open_existing
    from alertbot.text.readinessview import render_readiness
    from alertbot.web.readiness import readiness_json

    settings = Settings.from_env()
    config, problems = _load(settings)
    if config is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 2
    now = time.time()

    async def run() -> tuple[str, bool]:
        assert config is not None
        store = await open_existing(settings.database_url, keyring=settings.keyring())
        sources = sources_from(settings)
        try:
            found = await readiness(store, config, sources, now)
        finally:
            await sources.close()
            await store.close()
        if args.json:
            return json.dumps(readiness_json(found, config, now, settings.twilio_from),
                              indent=2, ensure_ascii=False) + "\n", found.ok
        return render_readiness(found, config.organization, config.timezone, now,
                                settings.twilio_from), found.ok

    logging.getLogger("twilio").setLevel(logging.WARNING)
    try:
        text, ok = asyncio.run(run())
    except NoDatabaseError as exc:  # never a new, unmarked database (decision 0016)
        print(str(exc).replace("alertbot:", "alertbot readiness:", 1), file=sys.stderr)
        return 3
    sys.stdout.write(text)
    return 0 if ok else 1


def _loopback_host(url: str) -> tuple[bool, str | None]:
    """Whether ``url``'s host is this machine (localhost, 127.0.0.0/8, ::1), and the host.

    The URL is read as aiohttp (the Twilio and Slack SDKs' HTTP client) reads it, so
    ``http://127.0.0.1@api.twilio.com`` is api.twilio.com. Case, port, path, a trailing
    dot and an IPv4-mapped ``::ffff:127.0.0.1`` do not matter; a URL that cannot be read,
    or a name other than ``localhost`` (even one that resolves here), is not loopback.
    """
    import ipaddress

    from yarl import URL

    try:
        host = URL(url).host
    except ValueError:
        return False, None
    if not host:
        return False, None
    name = host.lower().removesuffix(".")
    if name == "localhost":
        return True, name
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False, name
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback, name
    return address.is_loopback, name


def _real_providers(settings: Settings) -> list[str]:
    """The configured provider APIs not on this machine, one phrase each (none: safe).

    ALERTBOT_ALLOW_SHORT_WAITS is for fake providers on this machine only (decision
    0016): every provider this process would send through (Twilio with credentials,
    Slack with a bot token) must point at a loopback host, however its URL is spelled
    (``https://API.twilio.com``, ``:443``, a regional edge are all real). The sandbox
    sends nothing. Only the host is named, never the URL (it may carry a password).
    """
    if settings.sandbox:
        return []
    used = []
    if settings.twilio_configured:
        used.append(("TWILIO_API_URL", settings.twilio_api_url, "Twilio"))
    if settings.slack_bot_token:
        used.append(("SLACK_API_URL", settings.slack_api_url, "Slack"))
    real = []
    for variable, url, provider in used:
        loopback, host = _loopback_host(url)
        if not loopback:
            real.append(f"{variable} points at {host or 'an address it cannot read'}, "
                        f"which may be the real {provider}")
    return real


def cmd_serve(args: argparse.Namespace) -> int:
    settings = Settings.from_env(sandbox=args.sandbox)
    listener = start_logging()  # lines are written by a thread of their own
    try:
        return _serve(args, settings)
    finally:
        listener.stop()


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from alertbot import wiring
    from alertbot.app import (
        DatabaseModeError,
        build_app,
        check_database_mode,
        reload_on_sighup,
    )
    from alertbot.sandbox.console import attach_console
    from alertbot.web import serving

    # The twilio SDK logs a dozen lines per request at INFO (4-6% of CPU under load,
    # bench/README.md); our own log says what was sent and why.
    logging.getLogger("twilio").setLevel(logging.WARNING)
    config, problems = _load(settings)
    for problem in problems:
        print(problem, file=sys.stderr)
    if config is None:
        print("alertbot: the configuration has errors (above); fix them and start again.",
              file=sys.stderr)
        return 1
    if not settings.sandbox and not settings.twilio_configured:
        print("alertbot: no Twilio credentials (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, "
              "TWILIO_FROM), so nobody could be paged.\n"
              "  To try alertbot without Twilio, run:  alertbot serve --sandbox\n"
              "  (or set ALERTBOT_SANDBOX=1): pages are shown, never sent.", file=sys.stderr)
        return 2
    if settings.allow_short_waits and _real_providers(settings):
        print("alertbot: ALERTBOT_ALLOW_SHORT_WAITS is for tests and benchmarks against fake "
              "providers on this machine (localhost, 127.0.0.0/8, ::1); "
              f"{'; '.join(_real_providers(settings))}: it would flood real phones. "
              "Unset it (waits: 0 or at least 30s; a repeating round at least 1m).",
              file=sys.stderr)
        return 2
    if not settings.sandbox and settings.data_key is None:
        print("alertbot: ALERTBOT_DATA_KEY is not set, so documents (photos of warrants) "
              "and people's words (reports, notes) could not be kept encrypted at rest.\n"
              "  Make one with:  alertbot keygen\n"
              "  and set ALERTBOT_DATA_KEY to what it prints (keep it with your backups: "
              "without it, stored documents cannot be read).", file=sys.stderr)
        return 2
    try:
        asyncio.run(check_database_mode(settings))
    except DatabaseModeError as exc:
        # A sandbox database in production (or the reverse): refuse before anything runs.
        print(exc, file=sys.stderr)
        return 3
    if settings.sandbox and settings.api_token is None:
        from dataclasses import replace

        settings = replace(settings, api_token=Secret(secrets.token_urlsafe(16)))
    app = build_app(settings, config)
    reload_on_sighup(app)
    if settings.sandbox:
        assert settings.api_token is not None
        print(f"alertbot sandbox: nothing is really sent.\n"
              f"  Console:   http://{settings.host}:{settings.port}/\n"
              f"  Sign in:   type a contact's phone number there (e.g. +18605550100); the "
              f"code is \"sent\" here, below\n"
              f"  Token:     {settings.api_token.value}   (for scripts: Authorization: "
              f"Bearer)\n"
              f"  Or type here: <phone or contact id> <text>, e.g.  "
              f"principal-burns ICE 2 agents at front desk", flush=True)
        attach_console(app, wiring.Parts.of(app).receiver)
    if settings.allow_short_waits:
        logging.getLogger("alertbot").warning(
            "ALERTBOT_ALLOW_SHORT_WAITS is set: waits below the floors are accepted "
            "(tests and benchmarks only; a real district would be flooded)")
    try:
        serving.serve(app, settings)  # bounded connections, read timeouts, quiet log
    except DatabaseModeError as exc:
        # A sandbox database in production (or the reverse): nothing was sent.
        print(exc, file=sys.stderr)
        return 3
    return 0


def cmd_keygen(args: argparse.Namespace) -> int:
    """Print a new ALERTBOT_DATA_KEY (32 random bytes, base64) on one line."""
    from alertbot.crypto import generate_key

    print(generate_key())
    return 0


def cmd_reseal(args: argparse.Namespace) -> int:
    """Seal people's words still stored plain and move those under an older key
    (ALERTBOT_DATA_KEYS_OLD) to ALERTBOT_DATA_KEY (decision 0044). Idempotent; safe while
    alertbot serves once every instance holds the new key (one still running with only
    the old key cannot read what was moved until restarted with both). Exit 1 when some
    words open with no key held, 2 without a usable key, 3 when there is no database
    ``serve`` made at ALERTBOT_DATABASE_URL (nothing created)."""
    from alertbot.store.existing import NoDatabaseError, open_existing

    settings = Settings.from_env()
    keyring = settings.keyring()
    if keyring is None:
        print("alertbot reseal: ALERTBOT_DATA_KEY is not set: nothing to seal with (make "
              "one with `alertbot keygen`).", file=sys.stderr)
        return 2

    async def run() -> tuple[int, int]:
        store = await open_existing(settings.database_url, keyring=keyring)
        try:
            done = await store.reseal(args.batch)
        finally:
            await store.close()
        return done.sealed, done.unreadable

    try:
        sealed, unreadable = asyncio.run(run())
    except NoDatabaseError as exc:
        print(exc, file=sys.stderr)
        return 3
    print(f"sealed with the current key: {sealed} value(s); opening with no key held: "
          f"{unreadable}", file=sys.stderr)
    if unreadable:
        print("  those read as \"[sealed with a key this service no longer holds]\": put "
              "the key they were sealed with in ALERTBOT_DATA_KEYS_OLD and run this again.",
              file=sys.stderr)
    return 1 if unreadable else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="alertbot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the service")
    serve.add_argument("--sandbox", action="store_true",
                       help="send nothing to the outside world; show pages instead")
    serve.set_defaults(func=cmd_serve)
    check = sub.add_parser("check", help="validate escalation.yaml and contacts/")
    check.set_defaults(func=cmd_check)
    plan = sub.add_parser("plan", help="print who is paged when")
    plan.add_argument("--incident", help="incident type (default: all)")
    plan.add_argument("--school", help="school id, code or name (default: all)")
    plan.set_defaults(func=cmd_plan)
    keygen = sub.add_parser("keygen", help="print a new ALERTBOT_DATA_KEY")
    keygen.set_defaults(func=cmd_keygen)
    reseal = sub.add_parser("reseal", help="seal stored words with ALERTBOT_DATA_KEY "
                            "(after a key rotation or an upgrade)")
    reseal.add_argument("--batch", type=int, default=500, help="rows per transaction")
    reseal.set_defaults(func=cmd_reseal)
    ready = sub.add_parser("readiness", help="can every escalation step reach someone now?")
    ready.add_argument("--json", action="store_true", help="print JSON (as GET /api/readiness)")
    ready.set_defaults(func=cmd_readiness)
    watchdog.add_parser(sub)
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
    except SettingsError as exc:
        print(f"alertbot: {exc}", file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":
    asyncio.run  # noqa: B018 - keep asyncio imported for run_app's policy on some platforms
    raise SystemExit(main())
