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
