"""YAML with line numbers: every error in a config file names FILE:LINE: dotted.path."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    path: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.file}:{self.line}: {self.path}: {kind}{self.message}"


def dotted(path: Path) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top)"


@dataclass
class LoadedYaml:
    file: str
    data: Any
    lines: dict[Path, int]
    problems: list[Problem]

    def line(self, path: Path) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), 1)

    def problem(self, path: Path, message: str, warning: bool = False) -> Problem:
        return Problem(self.file, self.line(path), dotted(path), message, warning)


def _walk(node: yaml.Node, path: Path, lines: dict[Path, int], problems: list[Problem],
          file: str, constructor: yaml.SafeLoader) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _construct(key_node, constructor)
            key_path = (*path, str(key))
            if key in out:
                problems.append(
                    Problem(file, key_node.start_mark.line + 1, dotted(key_path),
                            f"key '{key}' appears twice")
                )
            lines[key_path] = key_node.start_mark.line + 1
            out[key] = _walk(value_node, key_path, lines, problems, file, constructor)
            lines[key_path] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            items.append(_walk(item, (*path, index), lines, problems, file, constructor))
        return items
    return _construct(node, constructor)


def _construct(node: yaml.Node, constructor: yaml.SafeLoader) -> Any:
    try:
        return constructor.construct_object(node, deep=True)
    except (ValueError, OverflowError) as exc:
        # A plain scalar YAML reads as a date or number Python cannot build
        # (`2024-13-45`; an int of over 4300 digits) raised out of `alertbot check`.
        reason = str(exc).split(";")[0]
        raise yaml.constructor.ConstructorError(
            None, None, f"cannot read this value: {reason} (put it in quotes if it is text)",
            node.start_mark) from exc

ALIAS_REFUSED = ("YAML aliases (*{anchor}) are not allowed in alertbot's files: "
                 "write the value out")


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses an alias the moment the parser meets it.

    An alias is a reference to an anchored node; expanding a few nested ones ("billion
    laughs": 500 bytes) builds hundreds of millions of nodes. Refusing the alias while
    composing means nothing is ever expanded (decision 0016). Anchors alone are harmless.
    """

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, ALIAS_REFUSED.format(anchor=event.anchor), event.start_mark)
        return super().compose_node(parent, index)


def load_yaml(file: str, text: str) -> LoadedYaml:
    """Parse ``text``; syntax errors become Problems rather than exceptions.

    Aliases (``*name``) are refused as a syntax problem (see ``_NoAliasLoader``), and so
    is nesting too deep for the parser (a stack of ``[[[[…`` would raise RecursionError).
    """
    try:
        node = yaml.compose(text, Loader=_NoAliasLoader)
    except RecursionError:
        return LoadedYaml(file, None, {}, [Problem(file, 1, "(yaml)", "nested too deeply")])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = str(exc.problem)
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            # "expected ',' or ']'" on line 18 is found far from its cause: say where it began.
            message += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
        return LoadedYaml(file, None, {}, [Problem(file, line, "(yaml)", message)])
    except yaml.YAMLError as exc:
        return LoadedYaml(file, None, {}, [Problem(file, 1, "(yaml)", str(exc))])
    if node is None:
        return LoadedYaml(file, None, {(): 1}, [])
    lines: dict[Path, int] = {}
    problems: list[Problem] = []
    try:
        # A constructor of its own: a reload loads in a worker thread (decision 0016).
        data = _walk(node, (), lines, problems, file, yaml.SafeLoader(""))
    except RecursionError:
        return LoadedYaml(file, None, {}, [Problem(file, 1, "(yaml)", "nested too deeply")])
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else 1
        return LoadedYaml(file, None, {}, [Problem(file, line, "(yaml)", f"{exc.problem}")])
    return LoadedYaml(file, data, lines, problems)
