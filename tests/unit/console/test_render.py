"""Cards rendered from data with Jinja2 (autoescape on): drills plainly marked, times in
the district's zone, Spanish words for a Spanish reader, user text escaped."""

from __future__ import annotations

from dataclasses import replace

from alertbot.core.incident import State
from alertbot.web.console import board, render
from alertbot.web.console.views import delivery_words
from tests.unit.console.test_board import NOW, TZ, inc, page


def card_html(card: board.Card, language: str = "en") -> str:
    return str(render.render(
        "card.html", language, NOW, TZ, card=card, on_page=False, title=lambda i: i.title,
        name_of=lambda cid: cid or "", delivery=lambda p: delivery_words(p, language)))


def test_a_drill_is_plainly_marked() -> None:
    drill = board.card_for(inc(1, drill=True), "drills", [], {}, NOW)
    html = card_html(drill)
    assert '<span class="drill-flag">DRILL</span>' in html and "is-drill" in html
    assert "SIMULACRO" in card_html(drill, "es")


def test_an_unacknowledged_card_says_how_long_who_was_paged_and_what_comes_next() -> None:
    card = board.card_for(inc(1, due=NOW + 60),
                          "unacked", [page(1, "superintendent", provider="undelivered")],
                          {"superintendent": "Dr. Jordan Rivera"}, NOW)
    html = card_html(card)
    assert "waiting 10 min" in html
    assert "Dr. Jordan Rivera · SMS · NOT delivered · today 08:50" in html
    assert "Next page today 09:01 (in 1 min): Morgan Lee" in html
    es = card_html(card, "es")
    assert "esperando 10 min" in es and "NO entregado" in es and "Próximo aviso hoy 09:01" in es


def test_an_acknowledged_card_says_who_and_since_when() -> None:
    card = board.card_for(inc(1, State.ACKNOWLEDGED, acked=NOW - 120), "acked", [], {}, NOW)
    assert "Acknowledged by Dr. Jordan Rivera — since today 08:58 (2 min)" in card_html(card)


def test_user_text_is_escaped() -> None:
    hostile = replace(inc(1), title="<script>alert(1)</script>",
                      reporter_name='"><img src=x onerror=alert(1)>')
    html = card_html(board.card_for(hostile, "unacked", [], {}, NOW))
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
