"""The response console: the board, the incident page, live updates (issue 11).

``board.py`` orders and describes incidents from data (no I/O); ``render.py`` turns
them into HTML with Jinja2 (templates in ``alertbot/web/templates``); ``routes.py``
holds the handlers; ``live.py`` the server-sent events; ``sections.py`` the extension
point other pages of issue 12 plug into.
"""
