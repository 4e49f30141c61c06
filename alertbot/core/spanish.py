"""Spanish words for alertbot's text commands (decision 0047). Pure.

``commands.parse_sms`` maps these to the English commands; ``plain`` is how a word is
compared (upper case, accents dropped), so "Regresé", "regrese" and "REGRESÉ" are one.
"""

from __future__ import annotations

import unicodedata

# Spanish words people type for the same commands (decision 0047), keyed without accents
# (``plain``): "nota", "Estado", "AUSENTE 3d", "regresé", "volví". None is a word Twilio
# acts on by default (English only: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, START,
# YES, UNSTOP, HELP, INFO, REVOKE, OPTOUT, OPTIN) nor one a district would add with
# Twilio's Advanced Opt-Out for Spanish (``SPANISH_OPT_WORDS``).
SPANISH: dict[str, str] = {
    "NOTA": "NOTE",
    "ESTADO": "STATUS",
    "AUSENTE": "AWAY",
    "REGRESO": "BACK",
    "REGRESE": "BACK",
    "VOLVI": "BACK",
}
BACK_PHRASES = frozenset({"DE VUELTA", "YA REGRESE", "YA VOLVI", "ESTOY DE VUELTA"})
# Spanish words a district could make opt-out/opt-in/help words with Twilio's Advanced
# Opt-Out (twilio.com/docs/messaging/tutorials/advanced-opt-out): ours must avoid them.
SPANISH_OPT_WORDS = frozenset({"PARAR", "PARE", "ALTO", "DETENER", "CANCELAR", "BAJA",
                               "TERMINAR", "FIN", "SALIR", "AYUDA", "INFO", "INICIAR",
                               "COMENZAR", "SI", "REANUDAR", "ARRET"})


def plain(word: str) -> str:
    """``word`` without accents, upper case ("Regresé" -> "REGRESE", "volví" -> "VOLVI"):
    how a Spanish command word is compared (people type it either way)."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()
