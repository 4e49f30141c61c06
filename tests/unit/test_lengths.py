"""A refused long text (core/lengths.TooLong) is worded with the label the form showed, in
the reader's language (decision 0052): the config's label for a checklist field, else the
console's word for a fixed field, else the field's name; never cut."""

from __future__ import annotations

import pytest

from alertbot.core.lengths import TooLong, refuse_over, too_long
from alertbot.text.procedure_ui import field_label, problem_text


def test_too_long_names_field_limit_and_length_and_keeps_the_english_problem() -> None:
    assert too_long("note", "x" * 1000, 1000) is None
    refused = too_long("note", "x" * 1001, 1000)
    assert refused is not None
    assert refused.machine() == {"field": "note", "limit": 1000, "length": 1001}
    assert str(refused) == ("note: at most 1000 characters (1001 sent); nothing was saved, "
                            "shorten it and send it again")
    with pytest.raises(TooLong) as raised:
        refuse_over("text", "y" * 1601, 1600)
    assert raised.value.machine() == {"field": "text", "limit": 1600, "length": 1601}


@pytest.mark.parametrize(("field", "labels", "language", "label"), [
    ("said", {"en": "What was said", "es": "Lo que se dijo"}, "es", "Lo que se dijo"),
    ("said", {"en": "What was said"}, "es", "What was said"),  # no Spanish label: English
    ("account", None, "es", "Qué se dijo y qué se hizo"),
    ("account", None, "en", "What was said and done"),
    ("notes", None, "es", "Notas"),
    ("mystery", None, "es", "mystery"),  # nothing better to call it
])
def test_the_label_is_the_one_the_form_showed(field: str, labels: dict[str, str] | None,
                                              language: str, label: str) -> None:
    assert field_label(field, language, labels) == label


def test_the_words_are_in_the_readers_language() -> None:
    refused = TooLong("account", 2000, 2001)
    assert problem_text(refused, "en") == (
        "“What was said and done” has 2001 characters; the most is 2000. Nothing was "
        "saved: shorten it and send it again.")
    assert problem_text(refused, "es") == (
        "«Qué se dijo y qué se hizo» tiene 2001 caracteres; el máximo es 2000. No se "
        "guardó nada: acórtelo y envíelo de nuevo.")
    assert problem_text("outcome: one of declined, warrant", "es") == (
        "outcome: one of declined, warrant")  # other problems: as written
