"""Load YAML data files into pydantic models with errors that name file, line and field.

Schedules and the question bank are edited by people; a mistake must point at the exact
place. PyYAML's composed node tree keeps line numbers, so we walk it alongside the data and
translate pydantic's error locations (``("obligations", 3, "period")``) into lines.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

Loc = tuple[int | str, ...]


@dataclass(frozen=True)
class DataIssue:
    """One problem in a data file: where it is and what is wrong."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class DataFileError(Exception):
    """Raised when one or more data files are invalid; carries every issue found."""

    def __init__(self, issues: Sequence[DataIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


class _UniqueKeyLoader(yaml.SafeLoader):
    """A SafeLoader that rejects duplicate mapping keys instead of silently keeping the last."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass
class YamlDocument:
    """Parsed data plus a map from data location to 1-based source line."""

    path: Path
    data: Any
    lines: dict[Loc, int]

    def line_of(self, loc: Sequence[int | str]) -> int:
        """The line of the deepest known node on the path ``loc`` (1 if none is known)."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)

    def issue(self, loc: Sequence[int | str], message: str) -> DataIssue:
        """A DataIssue at ``loc`` in this document."""
        field = ".".join(str(p) for p in loc)
        return DataIssue(str(self.path), self.line_of(loc), field, message)


def _index(node: yaml.Node, loc: Loc) -> Iterator[tuple[Loc, int]]:
    yield loc, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            yield (*loc, key), key_node.start_mark.line + 1
            for sub_loc, line in _index(value_node, (*loc, key)):
                if sub_loc != (*loc, key):
                    yield sub_loc, line
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _index(item, (*loc, i))


def read_yaml(path: Path) -> YamlDocument:
    """Parse one YAML file, raising DataFileError (with the line) on syntax errors."""
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=_UniqueKeyLoader)
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise DataFileError([DataIssue(str(path), line, "", f"YAML: {exc.problem}")]) from exc
    lines = dict(_index(node, ())) if node is not None else {}
    return YamlDocument(path, data, lines)


def validation_issues(doc: YamlDocument, exc: ValidationError, prefix: Loc = ()) -> list[DataIssue]:
    """Translate a pydantic ValidationError raised on (part of) ``doc`` into DataIssues."""
    return [doc.issue((*prefix, *err["loc"]), err["msg"]) for err in exc.errors()]


def load_model(path: Path, model: type[M]) -> M:
    """Read ``path`` and validate its whole content as ``model``."""
    doc = read_yaml(path)
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise DataFileError(validation_issues(doc, exc)) from exc
