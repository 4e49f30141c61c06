"""Issue 12's routes: the checklist, the encounter log, the warrant aid, records requests.

    POST /api/incidents/{id}/procedure/{step_id}      note, the step's fields; undo=1
    POST /api/incidents/{id}/encounter                 any encounter fields (partial)
    POST /api/incidents/{id}/warrant-review            signed_by, header, form,
                                                       names_address, names_person,
                                                       document_id, note
    POST /api/incidents/{id}/records-requests          presented, categories…
    POST /api/incidents/{id}/records-requests/{rid}    changes; parents_notified(_how),
                                                       provided, counsel_signoff

Who is acting: a signed-in person (session + CSRF token; 403 without), or a script with
the bearer ``ALERTBOT_API_TOKEN`` acting for the contact in form field ``contact``
(CONTRACT.md; web/procedure_auth.py). An incident the person may not see is a 404.
Every action is audited (web/audit.py).
The handlers only translate: the rules are core/who.py, applied by service/procedure.py
and service/records.py in one unit of work each. Answers: JSON ``{status, key,
problems, ...}`` (200 done or unchanged, 400 invalid, 403 refused, 404 not found); a
browser's form post that succeeds is sent back to the incident's page (303).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from aiohttp import web

from alertbot.core.commands import whole_number
from alertbot.core.lengths import Problem, TooLong
from alertbot.core.model import Config, Contact
from alertbot.core.warrant import parse_answers
from alertbot.service import procedure, records
from alertbot.service.procedure import Result, Status
from alertbot.store.sql import Tx
from alertbot.text.procedure_ui import UI, problem_text, ui
from alertbot.web import procedure_forms as forms
from alertbot.web.audit import Audit
from alertbot.web.console.issue12 import render as render_template
from alertbot.web.procedure_auth import acting_on
from alertbot.web.session import Gate, Viewer

if TYPE_CHECKING:
    from alertbot.clock import Clock
    from alertbot.engine.loop import Engine
    from alertbot.service.events import IncidentEvents
    from alertbot.service.receiver import Receiver
    from alertbot.store.sql import Store


HTTP = {Status.DONE: 200, Status.UNCHANGED: 200, Status.INVALID: 400, Status.REFUSED: 403,
        Status.NOT_FOUND: 404}


async def _form(request: web.Request) -> forms.Form:
    posted = await request.post()
    out: dict[str, list[str]] = {}
    for key, value in posted.items():
        if isinstance(value, str):
            out.setdefault(key, []).append(value)
    return out


def _number(request: web.Request, name: str = "id") -> int:
    number = whole_number(request.match_info[name])
    if number is None:
        raise web.HTTPNotFound(text='{"error": "no such incident"}',
                               content_type="application/json")
    return number


Labels = Mapping[str, Mapping[str, str]]  # a step's fields' labels by field name


def _invalid(number: int, viewer: Viewer, problems: Sequence[Problem],
             form: forms.Form, labels: Labels | None = None) -> web.Response:
    if viewer.session_id is not None:
        return problem_page(number, viewer, "invalid", problems, 400,
                            forms.typed_text(form, viewer.contact.language, labels))
    return web.json_response(problems_json(
        {"status": str(Status.INVALID), "key": "invalid"}, problems,
        viewer.contact.language), status=400)


def problems_json(body: dict[str, Any], problems: Sequence[Problem],
                  language: str) -> dict[str, Any]:
    """``body`` with ``problems`` (English, as before) and ``messages`` (each in
    ``language``, a long text named by its label); for a refused long text also its
    ``field``, ``limit`` and ``length`` (machine names, the first one's) and ``message``
    (decision 0052)."""
    body = {**body, "problems": [str(p) for p in problems],
            "messages": [problem_text(p, language) for p in problems]}
    refused = next((p for p in problems if isinstance(p, TooLong)), None)
    if refused is not None:
        body.update(refused.machine(), message=problem_text(refused, language))
    return body


def problem_page(number: int, viewer: Viewer, key: str, problems: Sequence[Problem],
                 status: int, typed: list[tuple[str, str]] | None = None) -> web.Response:
    """For a person's form post that changed nothing: why, in their language (a long
    text named by the label the form showed), what they typed (``typed``: label, text;
    shown back whole to copy, so a refused post loses nothing) and a link back to the
    incident (escaped; no script or style)."""
    language = viewer.contact.language
    message = ui(f"problem.{key}", language) if f"problem.{key}" in UI["en"] else ""
    html = render_template("problem.html", {"id": number}, "", language, message=message,
                           problems=[problem_text(p, language) for p in problems],
                           typed=typed or [])
    return web.Response(text=str(html), status=status, content_type="text/html")


def step_labels(config: Config, step_id: str) -> dict[str, Mapping[str, str]]:
    """The labels of the fields of every step ``step_id`` in the config, by field name."""
    return {f.name: f.labels or {"en": f.name} for itype in config.incidents.values()
            for step in itype.procedure if step.id == step_id for f in step.fields}


class ProcedureApi:
    """Issue 12's POST routes, with what they use (decision 0046): the ``Gate`` (who
    asks), the ``Audit`` log, the store, receiver and engine as getters, the incident
    events (a change is published) and the clock."""

    def __init__(self, gate: Gate, audit: Audit, store: Callable[[], Store],
                 receiver: Callable[[], Receiver], engine: Callable[[], Engine],
                 events: IncidentEvents, clock: Clock) -> None:
        self._gate, self._audit, self._store, self._receiver = gate, audit, store, receiver
        self._engine, self._events, self._clock = engine, events, clock

    async def _acting_on(self, request: web.Request, incident_id: int, action: str
                         ) -> Viewer:
        return await acting_on(request, incident_id, action, self._gate, self._audit,
                               self._store(), self._receiver())

    async def _run(self, request: web.Request, number: int, viewer: Viewer, action: str,
                   work: Callable[[Tx, Config, Contact | None, float], Result],
                   form: forms.Form, labels: Labels | None = None) -> web.Response:
        """One unit of work; after the commit, the incident is published (console, Slack
        thread) and the engine woken when something changed. Audited."""
        config = self._receiver().config
        now = self._clock.now()
        by_session = viewer.session_id is not None
        result = await self._store().write(
            lambda tx: work(tx, config, viewer.contact, now))
        await self._audit.record(request, viewer, action, incident_id=number,
                                 outcome=str(result.status), detail=result.key)
        if result.status is Status.DONE:
            self._engine().nudge()
            self._events.publish(result.incident_id)
        if by_session:  # a browser's form post: back to the page, or a page saying why not
            if result.status in (Status.DONE, Status.UNCHANGED):
                raise web.HTTPSeeOther(f"/incidents/{number}")
            typed = (forms.typed_text(form, viewer.contact.language, labels)
                     if result.status is Status.INVALID else [])
            return problem_page(number, viewer, result.key, result.problems,
                                HTTP[result.status], typed)
        body = problems_json({"status": str(result.status), "key": result.key,
                              **dict(result.values)}, result.problems,
                             viewer.contact.language)
        return web.json_response(body, status=HTTP[result.status])

    async def complete_step(self, request: web.Request) -> web.Response:
        number = _number(request)
        viewer = await self._acting_on(request, number, "procedure_step")
        form = await _form(request)
        step_id = request.match_info["step_id"]
        note = forms.first(form, "note") or ""
        values = {k: v[0] for k, v in form.items() if v}
        undo = forms.flag(form, "undo")

        def work(tx: Tx, config: Config, contact: Contact | None, now: float) -> Result:
            return procedure.complete_step(tx, config, contact, number, step_id, note, values,
                                           now, undo=undo)
        return await self._run(request, number, viewer, "procedure_step", work, form,
                               step_labels(self._receiver().config, step_id))

    async def update_encounter(self, request: web.Request) -> web.Response:
        number = _number(request)
        viewer = await self._acting_on(request, number, "encounter")
        form = await _form(request)
        timezone = self._receiver().config.timezone
        changes, problems = forms.encounter_changes(form, timezone)
        if problems:
            return _invalid(number, viewer, problems, form)

        def work(tx: Tx, config: Config, contact: Contact | None, now: float) -> Result:
            return procedure.update_encounter(tx, config, contact, number, changes, now)
        return await self._run(request, number, viewer, "encounter", work, form)

    async def warrant_review(self, request: web.Request) -> web.Response:
        number = _number(request)
        viewer = await self._acting_on(request, number, "warrant_review")
        form = await _form(request)
        answers, problems = parse_answers({k: v[0] for k, v in form.items() if v})
        if problems:
            return _invalid(number, viewer, problems, form)
        document_id = forms.first(form, "document_id")
        note = forms.first(form, "note") or ""

        def work(tx: Tx, config: Config, contact: Contact | None, now: float) -> Result:
            return procedure.review_warrant(tx, config, contact, number, answers, document_id,
                                            note, now)
        return await self._run(request, number, viewer, "warrant_review", work, form)

    async def add_records_request(self, request: web.Request) -> web.Response:
        number = _number(request)
        viewer = await self._acting_on(request, number, "records_request")
        form = await _form(request)
        timezone = self._receiver().config.timezone
        fields, actions, problems = forms.records_fields(form, timezone, creating=True)
        if problems:
            return _invalid(number, viewer, problems, form)

        def work(tx: Tx, config: Config, contact: Contact | None, now: float) -> Result:
            return records.add_request(tx, config, contact, number, fields, now, actions)
        return await self._run(request, number, viewer, "records_request", work, form)

    async def update_records_request(self, request: web.Request) -> web.Response:
        number = _number(request)
        rid = _number(request, "rid")
        viewer = await self._acting_on(request, number, "records_request")
        form = await _form(request)
        timezone = self._receiver().config.timezone
        fields, actions, problems = forms.records_fields(form, timezone, creating=False)
        if problems:
            return _invalid(number, viewer, problems, form)

        def work(tx: Tx, config: Config, contact: Contact | None, now: float) -> Result:
            return records.update_request(tx, config, contact, number, rid, fields, actions, now)
        return await self._run(request, number, viewer, "records_request", work, form)

    def add_routes(self, app: web.Application) -> None:
        base = "/api/incidents/{id}"
        app.router.add_post(base + "/procedure/{step_id}", self.complete_step)
        app.router.add_post(base + "/encounter", self.update_encounter)
        app.router.add_post(base + "/warrant-review", self.warrant_review)
        app.router.add_post(base + "/records-requests", self.add_records_request)
        app.router.add_post(base + "/records-requests/{rid}", self.update_records_request)

