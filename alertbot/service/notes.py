"""NOTE: a responder's note on an incident's timeline (issue 11, CONTRACT "Text messages").

``NOTE 12 agents left at 9:40`` by text, or the console's note form: the words go onto
incident 12's timeline as a ``note`` entry by the person, and nowhere else (a note is
never forwarded: it may name a student; it is read in the console by those who may see
the incident). Who may: the responders the incident's escalation pages and the admins
(``who.may_note``). A note on a resolved incident is still taken: the after-action
record goes on. Called by the receiver inside its unit of work; synchronous.
"""

from __future__ import annotations

import logging

from alertbot.core import commands as cmd
from alertbot.core import who
from alertbot.core.actors import Outcome
from alertbot.core.model import Config, Contact
from alertbot.store.sql import Tx
from alertbot.text.messages import clean_text
from alertbot.text.reply import Reply, ReplyKey

log = logging.getLogger("alertbot.notes")

# Characters of one note, kept whole (the console shows it whole). Above Twilio's 1,600
# characters of one inbound text (its Body limit), so a NOTE by SMS is never refused for
# its length; a longer one (console, Slack, a script) is refused whole, never cut.
NOTE_MAX = 2000


def add_note(tx: Tx, config: Config, contact: Contact, command: cmd.Note, source: str,
             now: float) -> Reply:
    """Put ``command.text`` on incident ``command.number``'s timeline for ``contact``
    (by ``source``: sms, slack, console, …). Replies: ``NOTE_OK``, ``NOTE_HOW`` (no
    number), ``NOTE_EMPTY`` (no words), ``NOTE_TOO_LONG`` (over ``NOTE_MAX`` characters
    once blanks are collapsed: nothing added, the reply names the limit), ``NO_SUCH``, or
    the refusal of ``may_note``."""
    lang = contact.language
    if command.number is None:
        return Reply(ReplyKey.NOTE_HOW, {}, lang, None, Outcome.INFO)
    number = command.number
    incident = tx.get_incident(number)
    if incident is None:
        return Reply(ReplyKey.NO_SUCH, {"n": number}, lang, None, Outcome.NOT_FOUND)
    verdict = who.may_note(config, contact, incident)
    if not verdict.allowed:
        log.info("refused a note on #%d from %s: %s", number, contact.id, verdict.reason)
        return Reply(ReplyKey(verdict.key), dict(verdict.values), lang, number,
                     Outcome.REFUSED)
    text = clean_text(command.text, len(command.text))  # cleaned, never cut
    if not text:
        return Reply(ReplyKey.NOTE_EMPTY, {"n": number}, lang, number, Outcome.INFO)
    if len(text) > NOTE_MAX:
        return Reply(ReplyKey.NOTE_TOO_LONG, {"n": number, "max": NOTE_MAX,
                                              "length": len(text)}, lang, number,
                     Outcome.INFO)
    tx.add_timeline(number, now, "note", text, contact.name)
    log.info("note on #%d by %s via %s (%d characters)", number, contact.id, source,
             len(text))
    return Reply(ReplyKey.NOTE_OK, {"n": number}, lang, number, Outcome.NOTED)
