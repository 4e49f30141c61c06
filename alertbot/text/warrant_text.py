"""The warrant aid's words, in English and Spanish (core/warrant.py returns keys). Pure.

Plain words for a designee standing in a school office; never a verdict: every
assessment ends with "Counsel decides" and its sources (decision 0032).
"""

from __future__ import annotations

from alertbot.core.warrant import Assessment

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "kind.judicial": "It appears to be a judicial warrant or court order (a court's "
                         "header, signed by a judge or magistrate).",
        "kind.admin_arrest": "It appears to be ICE Form I-200, an administrative arrest "
                             "warrant signed by an immigration officer, not a judge.",
        "kind.admin_removal": "It appears to be ICE Form I-205, an administrative removal "
                              "warrant signed by an immigration officer, not a judge.",
        "kind.detainer": "It appears to be ICE Form I-247A, a detainer: a request to a jail "
                         "to hold a person.",
        "kind.admin_subpoena": "It appears to be ICE Form I-138, an administrative subpoena: "
                               "a request for records or testimony.",
        "kind.administrative": "It appears to be an administrative document from an agency, "
                               "not a court.",
        "kind.unclear": "The answers do not show what kind of document this is.",
        "entry.may_authorize": "A judicial warrant may authorize entry, but only as far as "
                               "it reaches: what it allows, where, and for whom. Counsel "
                               "reviews it with you before anything is allowed (step F).",
        "entry.not_by_itself": "An administrative form does not by itself authorize entry "
                               "to non-public areas of the school. Without a warrant signed "
                               "by a judge, entry is declined (step E).",
        "entry.not_entry": "This kind of document does not authorize entry at all.",
        "entry.treat_as_not": "Until counsel has reviewed it, treat it as not authorizing "
                              "entry to non-public areas (step E).",
        "caution.address_not_named": "It does not name this school's address.",
        "caution.person_not_named": "It does not name the person sought.",
        "caution.check_address": "Check whether it names this school's address.",
        "caution.mixed_signals": "The answers point two ways (a court and an immigration "
                                 "form or officer): read the header and signature again.",
        "caution.records_ferpa": "For student records: FERPA requires a reasonable effort to "
                                 "notify parents before complying, unless the issuer ordered "
                                 "non-disclosure (step G). Record it as a records request.",
        "counsel": "Counsel decides. This aid records your answers; it is not legal advice.",
        "sources": "Sources: {sources}.",
        "source.letter_e": "the district's letter to families, step E",
        "source.letter_f": "step F",
        "source.letter_g": "step G",
        "source.domain_forms": "ICE forms I-200, I-205 (officer-signed), I-247A (detainer), "
                               "I-138 (administrative subpoena)",
        "source.ferpa": "FERPA, 34 CFR 99.31(a)(9)(ii)",
    },
    "es": {
        "kind.judicial": "Parece una orden judicial (encabezado de un tribunal, firmada "
                         "por un juez o magistrado).",
        "kind.admin_arrest": "Parece el Formulario I-200 de ICE, una orden administrativa de "
                             "arresto firmada por un oficial de inmigración, no por un juez.",
        "kind.admin_removal": "Parece el Formulario I-205 de ICE, una orden administrativa de "
                              "deportación firmada por un oficial de inmigración, no por un "
                              "juez.",
        "kind.detainer": "Parece el Formulario I-247A de ICE, una solicitud de detención "
                         "dirigida a una cárcel.",
        "kind.admin_subpoena": "Parece el Formulario I-138 de ICE, una citación "
                               "administrativa: pide expedientes o testimonio.",
        "kind.administrative": "Parece un documento administrativo de una agencia, no de un "
                               "tribunal.",
        "kind.unclear": "Las respuestas no muestran qué tipo de documento es.",
        "entry.may_authorize": "Una orden judicial puede autorizar la entrada, pero solo en "
                               "lo que abarca: qué permite, dónde y para quién. El abogado "
                               "la revisa con usted antes de permitir algo (paso F).",
        "entry.not_by_itself": "Un formulario administrativo no autoriza por sí solo la "
                               "entrada a las áreas no públicas de la escuela. Sin una orden "
                               "firmada por un juez, no se permite la entrada (paso E).",
        "entry.not_entry": "Este tipo de documento no autoriza ninguna entrada.",
        "entry.treat_as_not": "Hasta que el abogado lo revise, trátelo como si no autorizara "
                              "la entrada a las áreas no públicas (paso E).",
        "caution.address_not_named": "No indica la dirección de esta escuela.",
        "caution.person_not_named": "No nombra a la persona buscada.",
        "caution.check_address": "Verifique si indica la dirección de esta escuela.",
        "caution.mixed_signals": "Las respuestas no coinciden (un tribunal y un formulario u "
                                 "oficial de inmigración): lea otra vez el encabezado y la "
                                 "firma.",
        "caution.records_ferpa": "Para expedientes: FERPA exige un esfuerzo razonable para "
                                 "avisar a los padres antes de cumplir, salvo orden de no "
                                 "divulgar (paso G). Regístrelo como solicitud de expedientes.",
        "counsel": "El abogado decide. Esta ayuda registra sus respuestas; no es asesoría "
                   "legal.",
        "sources": "Fuentes: {sources}.",
        "source.letter_e": "la carta del distrito a las familias, paso E",
        "source.letter_f": "paso F",
        "source.letter_g": "paso G",
        "source.domain_forms": "formularios de ICE I-200, I-205 (firmados por oficiales), "
                               "I-247A (detención), I-138 (citación administrativa)",
        "source.ferpa": "FERPA, 34 CFR 99.31(a)(9)(ii)",
    },
}


def t(key: str, language: str) -> str:
    table = TEXTS.get(language) or TEXTS["en"]
    return table.get(key) or TEXTS["en"][key]


def assessment_lines(result: Assessment, language: str) -> list[str]:
    """The assessment as sentences: the kind, what it means for entry, the cautions,
    "counsel decides", the sources. Always ends with the last two."""
    lines = [t(f"kind.{result.kind}", language), t(f"entry.{result.entry}", language)]
    lines += [t(f"caution.{c}", language) for c in result.cautions]
    sources = "; ".join(t(f"source.{s}", language) for s in result.sources)
    lines += [t("counsel", language), t("sources", language).format(sources=sources)]
    return lines
