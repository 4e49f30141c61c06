"""A free text over its limit is refused whole, never cut (decisions 0045, 0052). Pure.

``TooLong`` is the refusal: an exception (a service that cannot go on raises it: the unit
of work is rolled back, nothing is saved or sent) and a value (a form parser lists it with
its other problems). It carries the machine names a script branches on (``field``, the
posted field's name; ``limit`` and ``length`` in characters) and, for a field the district
named in its config (a checklist step's field), that field's ``labels`` per language. The
words people read (the field's visible label, in their language) are text/limits.py's.
"""

from __future__ import annotations

from collections.abc import Mapping


class TooLong(ValueError):
    """``field`` holds ``length`` characters, more than its ``limit``: nothing was saved.

    ``str()`` is the English problem for a script (``note: at most 1000 characters (1234
    sent); nothing was saved, shorten it and send it again``)."""

    def __init__(self, field: str, limit: int, length: int,
                 labels: Mapping[str, str] | None = None) -> None:
        self.field, self.limit, self.length = field, limit, length
        self.labels: Mapping[str, str] = dict(labels or {})
        super().__init__(f"{field}: at most {limit} characters ({length} sent); nothing "
                         "was saved, shorten it and send it again")

    def machine(self) -> dict[str, object]:
        """``{field, limit, length}`` for a JSON answer (a script branches on these)."""
        return {"field": self.field, "limit": self.limit, "length": self.length}


Problem = str | TooLong  # a form's problem: English words, or a refused long text


def too_long(name: str, text: str, limit: int,
             labels: Mapping[str, str] | None = None) -> TooLong | None:
    """The refusal when ``text`` has more than ``limit`` characters, else None. Nothing
    typed is ever cut silently: the console shows a refused text back to copy."""
    return TooLong(name, limit, len(text), labels) if len(text) > limit else None


def refuse_over(name: str, text: str, limit: int) -> None:
    """Raise ``TooLong`` when ``text`` has more than ``limit`` characters."""
    refused = too_long(name, text, limit)
    if refused is not None:
        raise refused
