"""A small reader for the TMDL files of powerbi/, written separately from the
generator so that the tests check the files rather than the generator's own
idea of them. It knows only the objects the project uses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


def unquote(text: str) -> str:
    text = text.strip()
    if text.startswith("'") and text.endswith("'"):
        return text[1:-1].replace("''", "'")
    return text


def depth(line: str) -> int:
    return len(line) - len(line.lstrip("\t"))


@dataclass
class TmdlColumn:
    name: str
    properties: dict[str, str] = field(default_factory=dict)


@dataclass
class TmdlTable:
    name: str
    columns: list[TmdlColumn] = field(default_factory=list)
    measures: dict[str, str] = field(default_factory=dict)  # name -> DAX
    partitions: dict[str, str] = field(default_factory=dict)  # name -> M
    # Every column and measure name in file order, repeats kept (the dict
    # above would fold a measure written twice into one).
    names: list[str] = field(default_factory=list)

    def column(self, name: str) -> TmdlColumn | None:
        return next((c for c in self.columns if c.name == name), None)


# `column name`, `measure name = expr`, `partition name = m`; names may be
# quoted and contain " = ".
_OBJECT = re.compile(
    r"^\t(column|measure|partition) ('(?:[^']|'')*'|[^\s=]+)(?: = ?(.*))?$"
)


def read_table(path: Path) -> TmdlTable:
    lines = path.read_text(encoding="utf-8").split("\n")
    header = next(line for line in lines if line.startswith("table "))
    table = TmdlTable(unquote(header[len("table ") :]))
    current = None  # (kind, name)
    for index, line in enumerate(lines):
        match = _OBJECT.match(line)
        if match:
            kind, name, rest = match.group(1), unquote(match.group(2)), match.group(3)
            current = (kind, name)
            if kind != "partition":
                table.names.append(name)
            if kind == "column":
                table.columns.append(TmdlColumn(name))
            elif kind == "measure":
                table.measures[name] = rest or _block(lines, index + 1, 3)
            else:
                source = next(
                    i
                    for i in range(index, len(lines))
                    if lines[i].strip() == "source ="
                )
                table.partitions[name] = _block(lines, source + 1, 4)
            continue
        if current and current[0] == "column" and depth(line) == 2 and ": " in line:
            key, value = line.strip().split(": ", 1)
            table.columns[-1].properties[key] = value
        elif depth(line) < 2 and line.strip():
            current = None
    return table


def read_tables(definition: Path) -> dict[str, TmdlTable]:
    """Every table of a semantic model's definition folder, by name."""
    return {
        path.stem: read_table(path)
        for path in sorted((definition / "tables").glob("*.tmdl"))
    }


def _block(lines: list[str], start: int, level: int) -> str:
    """The lines from ``start`` indented at least ``level`` tabs (blank lines
    inside included), without that indentation."""
    body = []
    for line in lines[start:]:
        if line and depth(line) < level:
            break
        body.append(line[level:])
    while body and not body[-1].strip():
        body.pop()
    return "\n".join(body)


@dataclass
class TmdlRelationship:
    name: str
    properties: dict[str, str]

    def end(self, side: str) -> tuple[str, str]:
        table, column = self.properties[f"{side}Column"].split(".", 1)
        return unquote(table), unquote(column)


def read_relationships(path: Path) -> list[TmdlRelationship]:
    found = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("relationship "):
            found.append(TmdlRelationship(line.split(" ", 1)[1], {}))
        elif line.startswith("\t") and ": " in line and found:
            key, value = line.strip().split(": ", 1)
            found[-1].properties[key] = value
    return found


def read_expressions(path: Path) -> dict[str, str]:
    """Shared expressions (parameters): name -> M text on the header line."""
    found = {}
    for line in path.read_text(encoding="utf-8").split("\n"):
        match = re.match(r"^expression ('(?:[^']|'')*'|\S+) = (.*)$", line)
        if match:
            found[unquote(match.group(1))] = match.group(2)
    return found
