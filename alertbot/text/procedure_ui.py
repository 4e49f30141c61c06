"""The console sections' words for issue 12 (checklist, encounter log, warrant aid, records
requests), in English and Spanish. Pure. The templates (web/templates/issue12/) show
them escaped; nothing here is HTML.
"""

from __future__ import annotations

from collections.abc import Mapping

from alertbot.core.lengths import Problem, TooLong

UI: dict[str, dict[str, str]] = {
    "en": {
        "problem": "Nothing was changed.", "back": "Back to #{n}",
        "typed": "What you typed, kept here to copy: shorten it and send it again.",
        "problem.step_not_yours": "This step is for other roles.",
        "problem.not_allowed": "You are not on this incident's response team.",
        "problem.counsel_only": "Only counsel (the Staff Attorney) or an admin signs off.",
        "problem.no_such_step": "There is no such step.",
        "problem.no_such_request": "There is no such records request.",
        "problem.invalid": "Some values are not valid:",
        "problem.too_long": "“{label}” has {length} characters; the most is {limit}. "
                            "Nothing was saved: shorten it and send it again.",
        "problem.unknown_sender": "You are not in the district's contacts.",
        "checklist": "Procedure", "progress": "{done} of {total} steps done",
        "done_by": "Done by {name} at {time}", "not_done": "Not done yet",
        "due": "Due by {time}", "note": "Note", "mark_done": "Mark done", "undo": "Undo",
        "overdue": "Overdue: it was due by {time}",
        "reminded": "Reminder texted at {time}",
        "up_to": "(up to {max} characters)",
        "no_steps": "No procedure is set for this kind of incident.",
        "encounter": "Encounter log", "save": "Save",
        "arrived_at": "Agents arrived at", "left_at": "Agents left at",
        "agents_count": "How many agents", "agency": "Agency (its name only)",
        "agents": "Names and badge numbers", "purpose": "Stated purpose",
        "documents": "Documents shown", "present": "Who was present",
        "account": "What was said and done", "outcome": "Outcome",
        "outcome_other": "Other outcome (describe)", "choose": "(choose)",
        "outcome.declined": "Entry declined", "outcome.warrant": "Entry under a judicial warrant",
        "outcome.left": "Agents left", "outcome.other": "Other",
        "no_student_names": "Write no student names here unless the log needs them: this "
                            "log is kept by the district and purged after the retention "
                            "period.",
        "warrant": "Warrant aid", "review": "Assess the document",
        "signed_by": "Who signed it?", "signed_by.judge": "A judge or magistrate",
        "signed_by.officer": "An immigration officer", "signed_by.unknown": "Not sure",
        "header": "Whose name is in the header?",
        "header.court": "A court (U.S. District Court, state court)",
        "header.agency": "An agency (DHS, ICE)", "header.unknown": "Not sure",
        "form": "Form number", "form.none": "No form number", "form.other": "Another number",
        "form.unknown": "Not sure",
        "names_address": "Does it name this school's address?",
        "names_person": "Does it name the person sought?",
        "yes": "Yes", "no": "No", "unknown": "Not sure",
        "document_id": "Document (optional)", "reviewed_by": "Reviewed by {name} at {time}",
        "records": "Records requests (FERPA)", "add_request": "Record a request",
        "presented": "What was presented",
        "presented.judicial_warrant": "Judicial warrant", "presented.court_order": "Court order",
        "presented.subpoena": "Subpoena", "presented.other": "Other",
        "categories": "Records it covers (categories, never names)",
        "category.directory": "Directory information", "category.enrollment": "Enrollment",
        "category.attendance": "Attendance", "category.grades": "Grades",
        "category.schedule": "Schedule", "category.discipline": "Discipline",
        "category.health": "Health", "category.special_education": "Special education",
        "category.contact": "Contact information",
        "other_category": "Other category (no student names)",
        "non_disclosure": "The issuer ordered non-disclosure (no parent notice)",
        "parent_notice_due_at": "Parents must be notified by",
        "response_due_at": "Response deadline",
        "notes": "Notes",
        "parents_notified": "Parents notified {time} by {name} ({how})",
        "parents_not_notified": "Parents not notified yet",
        "no_notice_needed": "No parent notice: the issuer ordered non-disclosure",
        "log_notice": "Log the parent notice", "how": "How",
        "how.phone": "Phone", "how.letter": "Letter", "how.email": "Email",
        "how.in_person": "In person", "how.other": "Other",
        "provided": "Records provided {time} by {name}", "mark_provided": "Records provided",
        "signoff": "Counsel signed off {time} ({name})", "sign_off": "Counsel's sign-off",
        "reminders": "Reminders sent: {count}",
        "flag.other_category": "Check the other category names no student.",
        "flag.no_categories": "Name the categories of records it covers.",
        "flag.provided_before_notice": "Records were provided before the parent notice was "
                                       "logged (FERPA 34 CFR 99.31(a)(9)(ii)).",
        "flag.provided_without_counsel": "Records were provided without counsel's sign-off.",
        "ferpa": "FERPA: make a reasonable effort to notify the parent or eligible student "
                 "before complying, unless the issuer ordered non-disclosure (34 CFR "
                 "99.31(a)(9)(ii)). Counsel decides.",
    },
    "es": {
        "problem": "No se cambió nada.", "back": "Volver a #{n}",
        "typed": "Lo que escribió, guardado aquí para copiarlo: acórtelo y envíelo de nuevo.",
        "problem.step_not_yours": "Este paso corresponde a otros roles.",
        "problem.not_allowed": "Usted no está en el equipo de respuesta de este incidente.",
        "problem.counsel_only": "Solo el abogado del distrito o un administrador da el "
                                "visto bueno.",
        "problem.no_such_step": "No existe ese paso.",
        "problem.no_such_request": "No existe esa solicitud de expedientes.",
        "problem.invalid": "Algunos valores no son válidos:",
        "problem.too_long": "«{label}» tiene {length} caracteres; el máximo es {limit}. "
                            "No se guardó nada: acórtelo y envíelo de nuevo.",
        "problem.unknown_sender": "Usted no está en los contactos del distrito.",
        "checklist": "Procedimiento", "progress": "{done} de {total} pasos hechos",
        "done_by": "Hecho por {name} a las {time}", "not_done": "Pendiente",
        "due": "Para antes de {time}", "note": "Nota", "mark_done": "Marcar hecho",
        "overdue": "Atrasado: era para antes de {time}",
        "reminded": "Recordatorio enviado a las {time}",
        "up_to": "(hasta {max} caracteres)",
        "undo": "Deshacer", "no_steps": "No hay procedimiento para este tipo de incidente.",
        "encounter": "Registro del encuentro", "save": "Guardar",
        "arrived_at": "Hora de llegada de los agentes", "left_at": "Hora de salida",
        "agents_count": "Cuántos agentes", "agency": "Agencia (solo su nombre)",
        "agents": "Nombres y números de placa", "purpose": "Motivo declarado",
        "documents": "Documentos mostrados", "present": "Quiénes estaban presentes",
        "account": "Qué se dijo y qué se hizo", "outcome": "Resultado",
        "outcome_other": "Otro resultado (describa)", "choose": "(elija)",
        "outcome.declined": "No se permitió la entrada",
        "outcome.warrant": "Entrada con orden judicial",
        "outcome.left": "Los agentes se fueron", "outcome.other": "Otro",
        "no_student_names": "No escriba nombres de estudiantes salvo que el registro los "
                            "necesite: el distrito guarda este registro y lo borra al "
                            "terminar el plazo de conservación.",
        "warrant": "Ayuda para la orden", "review": "Evaluar el documento",
        "signed_by": "¿Quién lo firmó?", "signed_by.judge": "Un juez o magistrado",
        "signed_by.officer": "Un oficial de inmigración", "signed_by.unknown": "No sé",
        "header": "¿Qué nombre aparece en el encabezado?",
        "header.court": "Un tribunal (tribunal federal o estatal)",
        "header.agency": "Una agencia (DHS, ICE)", "header.unknown": "No sé",
        "form": "Número de formulario", "form.none": "Sin número",
        "form.other": "Otro número", "form.unknown": "No sé",
        "names_address": "¿Indica la dirección de esta escuela?",
        "names_person": "¿Nombra a la persona buscada?",
        "yes": "Sí", "no": "No", "unknown": "No sé",
        "document_id": "Documento (opcional)",
        "reviewed_by": "Evaluado por {name} a las {time}",
        "records": "Solicitudes de expedientes (FERPA)", "add_request": "Registrar solicitud",
        "presented": "Qué presentaron",
        "presented.judicial_warrant": "Orden judicial de registro",
        "presented.court_order": "Orden de un tribunal", "presented.subpoena": "Citación",
        "presented.other": "Otro",
        "categories": "Expedientes que abarca (categorías, nunca nombres)",
        "category.directory": "Información de directorio", "category.enrollment": "Matrícula",
        "category.attendance": "Asistencia", "category.grades": "Calificaciones",
        "category.schedule": "Horario", "category.discipline": "Disciplina",
        "category.health": "Salud", "category.special_education": "Educación especial",
        "category.contact": "Datos de contacto",
        "other_category": "Otra categoría (sin nombres de estudiantes)",
        "non_disclosure": "Quien la emitió ordenó no divulgar (sin aviso a los padres)",
        "parent_notice_due_at": "Avisar a los padres antes de",
        "response_due_at": "Plazo de respuesta",
        "notes": "Notas",
        "parents_notified": "Padres avisados {time} por {name} ({how})",
        "parents_not_notified": "Padres aún no avisados",
        "no_notice_needed": "Sin aviso a los padres: se ordenó no divulgar",
        "log_notice": "Registrar el aviso a los padres", "how": "Cómo",
        "how.phone": "Teléfono", "how.letter": "Carta", "how.email": "Correo electrónico",
        "how.in_person": "En persona", "how.other": "Otro",
        "provided": "Expedientes entregados {time} por {name}",
        "mark_provided": "Expedientes entregados",
        "signoff": "Visto bueno del abogado {time} ({name})",
        "sign_off": "Visto bueno del abogado",
        "reminders": "Recordatorios enviados: {count}",
        "flag.other_category": "Verifique que la otra categoría no nombre a ningún estudiante.",
        "flag.no_categories": "Indique las categorías de expedientes que abarca.",
        "flag.provided_before_notice": "Se entregaron expedientes antes de registrar el aviso "
                                       "a los padres (FERPA 34 CFR 99.31(a)(9)(ii)).",
        "flag.provided_without_counsel": "Se entregaron expedientes sin el visto bueno del "
                                         "abogado.",
        "ferpa": "FERPA: haga un esfuerzo razonable para avisar a los padres o al estudiante "
                 "antes de cumplir, salvo orden de no divulgar (34 CFR 99.31(a)(9)(ii)). "
                 "El abogado decide.",
    },
}


def ui(key: str, language: str, **values: object) -> str:
    """The console word for ``key`` in ``language`` (English if missing), filled in."""
    table = UI.get(language) or UI["en"]
    text = table.get(key) or UI["en"][key]
    return text.format(**values) if values else text


def field_label(name: str, language: str, labels: Mapping[str, str] | None = None) -> str:
    """What the form showed above field ``name``: ``labels`` (a checklist field's, from the
    config) in ``language``, else English; else this module's word for it; else ``name``."""
    if labels:
        return labels.get(language) or labels.get("en") or name
    return ui(name, language) if name in UI["en"] else name


def problem_text(problem: Problem, language: str) -> str:
    """A form's problem as people read it: a ``TooLong`` names the field by its label in
    ``language`` (decision 0052); other problems stay as written."""
    if isinstance(problem, TooLong):
        return ui("problem.too_long", language, length=problem.length, limit=problem.limit,
                  label=field_label(problem.field, language, problem.labels))
    return problem
