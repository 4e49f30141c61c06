"""``alertbot watchdog``: run from cron or a systemd timer on ANOTHER machine (issue 14).

It GETs each instance's ``/healthz``; when none answers 200 ``{"status": "ok"}`` it texts
every admin (``admins:`` in escalation.yaml, their phones from contacts/) directly
through Twilio's REST API, once; then again every ``--remind`` while still down, and
"recovered" when an instance is healthy again. What it already said lives in a small
JSON state file. ``state.py`` is the decision (pure), ``main.py`` the I/O and the command.

Exit status: 0 an instance is healthy; 1 none is (the admins were texted now or
earlier); 2 a usage or config error (no URLs, no Twilio credentials, a broken config);
3 none is healthy and no admin could be texted (Twilio refused or unreachable; the next
run tries again).
"""

from __future__ import annotations

import argparse
from typing import Any

CHECK_TIMEOUT = 5.0  # seconds each /healthz has to answer


def _run(args: argparse.Namespace) -> int:
    from alertbot.watchdog.main import cmd_watchdog  # aiohttp etc.: only for this command

    return cmd_watchdog(args)


def add_parser(sub: Any) -> None:
    """``alertbot watchdog`` on the CLI's subcommands (alertbot/cli.py)."""
    parser = sub.add_parser("watchdog", help="check the instances' /healthz from another "
                                             "machine; text the admins when none is healthy")
    parser.add_argument("urls", nargs="*", help="instances' base URLs (default: "
                                                "ALERTBOT_WATCHDOG_URLS)")
    parser.add_argument("--state", help="state file (default: ALERTBOT_WATCHDOG_STATE or "
                                        "./alertbot-watchdog.json)")
    parser.add_argument("--remind", help="text again this often while down (default 1h; "
                                         "0: never)")
    parser.add_argument("--timeout", type=float, default=CHECK_TIMEOUT,
                        help="seconds each /healthz has to answer (default 5)")
    parser.set_defaults(func=_run)
