"""The texts ``alertbot watchdog`` sends the admins (issue 14), per language. Pure.

Values: ``count`` (instances checked, int), ``since`` (local time, ``HH:MM``),
``down_for`` (a duration such as ``1h5m``).
"""

from __future__ import annotations

from alertbot.text.messages import fit_sms

TEXTS = {
    "en": {
        "down": "alertbot is DOWN: none of its {count} instance(s) answers its health check "
                "(since {since}). Pages may not go out: fix the server, and in an emergency "
                "call people directly.",
        "reminder": "alertbot is still DOWN (since {since}, {down_for}): none of its {count} "
                    "instance(s) answers. Pages may not go out.",
        "recovered": "alertbot recovered: an instance answers its health check again "
                     "(down {down_for}).",
    },
    "es": {
        "down": "alertbot NO FUNCIONA: ninguna de sus {count} instancia(s) responde (desde "
                "las {since}). Los avisos pueden no salir: revise el servidor y, en una "
                "emergencia, llame directamente.",
        "reminder": "alertbot sigue SIN FUNCIONAR (desde las {since}, {down_for}): ninguna de "
                    "sus {count} instancia(s) responde. Los avisos pueden no salir.",
        "recovered": "alertbot se recupero: una instancia responde de nuevo (caido "
                     "{down_for}).",
    },
}


def watchdog_text(key: str, language: str, **values: object) -> str:
    """Text ``key`` (down, reminder, recovered) in ``language``, fitted to one SMS."""
    table = TEXTS.get(language) or TEXTS["en"]
    return fit_sms(table[key].format(**values))
