"""The after-action report (issue 12): ``build.py`` (data from the incident's detail
JSON, redacted or not), ``pdf.py`` (the PDF), ``table.py`` (the CSV of a period)."""
