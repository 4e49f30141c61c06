"""The response console (issue 11); issue 12's sections: procedure_view, encounter_view,
warrant_view, records_view (each ``(detail, csrf_token, language) -> Markup``)."""
