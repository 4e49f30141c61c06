"""The console's words for documents (issue 12), per language. Pure.

Documents are shown only in the console, to people allowed to see the incident; these
words say so, and what each state means.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "heading": "Documents",
        "none": "No documents. A reporter or responder can text a photo of the paper the "
                "agents show to the district number.",
        "private": "Shown only here, to people allowed to see this incident; never sent "
                   "by text or Slack.",
        "photo": "Photo",
        "pdf": "PDF",
        "heic": "Photo (HEIC)",
        "file": "File",
        "open": "Open",
        "download": "Download",
        "from": "from",
        "bytes": "{kb} KB",
        "pending": "Being received…",
        "rejected": "Not kept (not a photo or PDF, too large, or could not be received).",
        "purged": "Removed after the retention period.",
        "alt": "Document {id} from {name}",
    },
    "es": {
        "heading": "Documentos",
        "none": "No hay documentos. Quien reporta o responde puede enviar por texto una "
                "foto del papel que muestran los agentes al número del distrito.",
        "private": "Se muestran solo aquí, a quienes pueden ver este incidente; nunca se "
                   "envían por texto ni por Slack.",
        "photo": "Foto",
        "pdf": "PDF",
        "heic": "Foto (HEIC)",
        "file": "Archivo",
        "open": "Abrir",
        "download": "Descargar",
        "from": "de",
        "bytes": "{kb} KB",
        "pending": "Recibiéndose…",
        "rejected": "No se guardó (no es foto ni PDF, es muy grande o no se pudo recibir).",
        "purged": "Eliminado al cumplirse el plazo de conservación.",
        "alt": "Documento {id} de {name}",
    },
}


def label(language: str, key: str, **values: object) -> str:
    """The word ``key`` in ``language`` (else English), filled with ``values``."""
    table = LABELS.get(language) or LABELS["en"]
    return (table.get(key) or LABELS["en"][key]).format(**values)
