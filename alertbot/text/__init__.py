"""Every user-visible answer to a command, rendered per medium from data.

The receiver answers with a ``Reply`` (``reply.py``): a ``ReplyKey``, the values its
templates need, the incident it concerns and what the command did. It never builds a
string. Each medium renders it in one place:

* ``sms.render_sms(reply) -> str``: GSM-7 folded, within one Twilio message;
* ``voice.render_voice(reply, language) -> list[Said]``: words for the ear (numbers
  said as numbers, Spanish with its accents), each part with the language to say it in;
* ``slack.render_slack(reply) -> (text, blocks)``: Block Kit, user text escaped;
* ``web.render_web(reply) -> str``: plain words, nothing folded or cut.

Kept free of side effects: no I/O, no clock, no logging. This module imports nothing so
that ``from alertbot.text.reply import Reply`` stays cheap and cycle-free.
"""
