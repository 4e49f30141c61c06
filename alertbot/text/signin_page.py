"""The words of the console's sign-in page, per language (issue 11). Pure.

The page speaks the browser's language when it is one we have (``Accept-Language``,
``language_of``): a Spanish-speaking principal signs in in Spanish. Plain text: the web
layer escapes it.
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Sign in to alertbot",
        "phone": "Your mobile number (as in the district's contacts)",
        "send": "Text me a sign-in code",
        "code": "The 6-digit code we sent",
        "sign_in": "Sign in",
        "another": "Use another number",
        "or": "or",
        "oidc": "Sign in with your district account",
        "sent": "If this number belongs to someone in the district's contacts, a code is "
                "on its way. It works for {minutes} minutes.",
        "too_many_codes": "Too many codes were asked for. Wait 15 minutes and try again, "
                          "or call the district office.",
        "too_many_tries": "Too many wrong codes from here. Wait 15 minutes.",
        "wrong": "That code did not work. Codes work once, for {minutes} minutes and "
                 "{tries} tries: ask for a new one if needed.",
        "oidc_down": "The district's sign-in service did not answer. Sign in with a texted "
                     "code instead.",
        "oidc_refused": "Your district account could not sign you in here. Ask the district "
                        "office to add your email address to your contact, or sign in with "
                        "a texted code.",
    },
    "es": {
        "title": "Iniciar sesión en alertbot",
        "phone": "Su número de celular (como figura en los contactos del distrito)",
        "send": "Enviarme un código por mensaje",
        "code": "El código de 6 dígitos que le enviamos",
        "sign_in": "Iniciar sesión",
        "another": "Usar otro número",
        "or": "o",
        "oidc": "Iniciar sesión con su cuenta del distrito",
        "sent": "Si este número pertenece a alguien de los contactos del distrito, el código "
                "va en camino. Sirve por {minutes} minutos.",
        "too_many_codes": "Se pidieron demasiados códigos. Espere 15 minutos e intente de "
                          "nuevo, o llame a la oficina del distrito.",
        "too_many_tries": "Demasiados códigos incorrectos desde aquí. Espere 15 minutos.",
        "wrong": "Ese código no sirvió. Cada código sirve una vez, por {minutes} minutos y "
                 "{tries} intentos: pida otro si hace falta.",
        "oidc_down": "El servicio de inicio de sesión del distrito no respondió. Inicie "
                     "sesión con un código por mensaje.",
        "oidc_refused": "Su cuenta del distrito no pudo iniciar sesión aquí. Pida a la "
                        "oficina del distrito que agregue su correo a su contacto, o inicie "
                        "sesión con un código por mensaje.",
    },
}


def language_of(accept_language: str) -> str:
    """``es`` when the browser prefers Spanish to English (``Accept-Language``), else
    ``en``. Quality values are honoured (the first of equal ones wins); unknown languages
    are skipped."""
    best, best_q = "en", -1.0
    for part in accept_language.split(","):
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().lower().split("-")[0]
        if lang not in WORDS:
            continue
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if q > 0 and q > best_q:  # q=0: "not this one" (RFC 9110, section 12.4.2)
            best, best_q = lang, q
    return best


def words(language: str, key: str, **values: object) -> str:
    """The sign-in page's ``key`` in ``language`` (English when we lack it)."""
    table = WORDS.get(language) or WORDS["en"]
    return (table.get(key) or WORDS["en"][key]).format(**values)
