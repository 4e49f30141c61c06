"""Keeping secrets and phone numbers out of logs."""

from __future__ import annotations


class Secret:
    """A token that prints as ``<secret>``; ``.value`` when it must really be used."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    @property
    def value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<secret>"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def mask_phone(phone: str) -> str:
    """``+18605550100`` → ``+1860•••0100``: enough to tell numbers apart, not to dial."""
    if len(phone) <= 8:
        return "•" * len(phone)
    return phone[:5] + "•••" + phone[-4:]
