"""contacts/*.yaml: the people, each validated on their own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alertbot.config.common import (
    WAIT_FLOORS,
    WaitFloors,
    normalise_phone,
    read_yaml_file,
    seconds_text,
    validate_piece,
)
from alertbot.config.schema import ContactModel
from alertbot.config.yamlmap import LoadedYaml, Problem
from alertbot.config.yamlmap import Path as YPath
from alertbot.core.model import DEFAULT_CHANNELS, Channel, Contact


def _contact_files(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    return sorted(p for p in folder.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))


class ContactsRead:
    """What contacts/ held, including what was written but did not load.

    Used to keep one mistake in a contacts file from being reported again at every
    step that names the person (as 'no contact or role', or 'no address').
    """

    def __init__(self) -> None:
        self.contacts: dict[str, Contact] = {}
        self.where: dict[str, tuple[LoadedYaml, YPath]] = {}
        self.written: set[str] = set()  # ids and roles of people that did not load
        self.unreadable = False  # a contacts file could not be parsed: targets are unknowable
        self.reported: dict[str, set[Channel]] = {}  # missing addresses already reported


def _written_names(item: Any) -> set[str]:
    if not isinstance(item, dict):
        return set()
    names = {str(item["id"])} if "id" in item else set()
    roles = item.get("roles")
    if isinstance(roles, list):
        names |= {str(r) for r in roles}
    return names


def load_contacts(folder: Path, problems: list[Problem],
                  floors: WaitFloors = WAIT_FLOORS) -> ContactsRead:
    read = ContactsRead()
    contacts, where = read.contacts, read.where
    if not folder.exists():
        problems.append(Problem(str(folder), 1, "(folder)", "contacts folder does not exist"))
        read.unreadable = True
        return read
    files = _contact_files(folder)
    if not files:
        problems.append(Problem(str(folder), 1, "(folder)", "no contacts *.yaml files"))
    for file in files:
        doc = read_yaml_file(file, problems)
        if doc is None or doc.data is None:
            read.unreadable = read.unreadable or doc is None
            continue
        if not isinstance(doc.data, list):
            problems.append(doc.problem((), "a contacts file is a list of people"))
            read.unreadable = True
            continue
        for index, item in enumerate(doc.data):
            path: YPath = (index,)
            model = validate_piece(ContactModel, doc, item, path, problems)
            if model is None:
                read.written |= _written_names(item)
                continue
            if model.id in contacts:
                first_doc, first_path = where[model.id]
                problems.append(doc.problem((*path, "id"),
                    f"contact id '{model.id}' is already used at "
                    f"{first_doc.file}:{first_doc.line(first_path)}"))
                read.written |= set(model.roles)
                continue
            missing: set[Channel] = set()
            phone = None
            if model.phone is not None:
                phone = normalise_phone(model.phone)
                if phone is None:
                    problems.append(doc.problem((*path, "phone"),
                                                f"not a valid phone number: '{model.phone}'"))
                    missing |= {Channel.SMS, Channel.VOICE}
            channels = tuple(Channel(c) for c in model.channels) if model.channels else (
                DEFAULT_CHANNELS)
            if Channel.SLACK in channels and not model.slack:
                problems.append(doc.problem((*path, "channels"),
                                            "channel 'slack' needs a 'slack' member id"))
                missing.add(Channel.SLACK)
            if any(c in (Channel.SMS, Channel.VOICE) for c in channels) and model.phone is None:
                if model.channels:
                    problems.append(doc.problem((*path, "channels"),
                                                "channels 'sms'/'voice' need a 'phone'"))
                else:
                    problems.append(doc.problem((*path, "phone"),
                                                "a phone is needed for the default channels "
                                                "sms, voice (or set channels)"))
                missing |= {Channel.SMS, Channel.VOICE}
            if 0 < model.channel_delay < floors.channel_delay:
                problems.append(doc.problem((*path, "channel_delay"),
                    f"channel_delay {seconds_text(model.channel_delay)} is too short: use 0 "
                    f"(all channels at once) or at least {seconds_text(floors.channel_delay)} "
                    "(time to answer the first channel)"))
            if missing:
                read.reported[model.id] = missing
            contacts[model.id] = Contact(
                id=model.id, name=model.name, roles=tuple(model.roles), phone=phone,
                slack=model.slack, language=model.language, channels=channels,
                schools=tuple(model.schools), channel_delay=model.channel_delay,
                pin=model.pin, email=model.email.lower() if model.email else None,
            )
            where[model.id] = (doc, path)
    _check_shared_addresses(read, problems)
    return read


def _check_shared_addresses(read: ContactsRead, problems: list[Problem]) -> None:
    """A phone number or Slack member id belongs to one contact.

    Replies are matched to people by the address they come from: with two contacts on
    one number, the second one's ``ACK`` is read as the first one's (and refused when
    only the second is paged) while paging goes on. Numbers are compared in E.164, so
    "+1 860 555 0100" and "(860) 555-0100" are the same.
    """
    for field, label in (("phone", "number"), ("slack", "Slack member id"),
                         ("email", "e-mail address")):
        article = "an" if label[0] in "aeiou" else "a"
        owners: dict[str, str] = {}
        for cid, contact in read.contacts.items():
            address = getattr(contact, field)
            if address is None:
                continue
            first = owners.setdefault(address, cid)
            if first == cid:
                continue
            doc, path = read.where[cid]
            first_doc, first_path = read.where[first]
            problems.append(doc.problem((*path, field),
                f"contacts '{first}' and '{cid}' have the same {label} {address} "
                f"('{first}' at {first_doc.file}:{first_doc.line((*first_path, field))}): "
                f"{article} {label} belongs to one contact"))
