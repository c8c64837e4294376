"""Building blocks of PBIR visuals: field references and visual containers,
in the shapes of Microsoft's visualContainer and semanticQuery schemas."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

SCHEMA_ROOT = "https://developer.microsoft.com/json-schemas/fabric"
REPORT_SCHEMAS = f"{SCHEMA_ROOT}/item/report/definition"
VISUAL_SCHEMA = f"{REPORT_SCHEMAS}/visualContainer/2.4.0/schema.json"

# semanticQuery's QueryAggregateFunction codes.
AGGREGATIONS = {"Sum": 0, "Avg": 1, "Min": 3, "Max": 4}


@dataclass(frozen=True)
class Field:
    """A column, a measure, or a column under an aggregation."""

    table: str
    name: str
    kind: str = "column"  # "column", "measure", or a key of AGGREGATIONS
    # The name the visual shows (axis titles, tooltips) instead of Power
    # BI's own, such as "Sum of annual_income_k".
    display_name: str | None = None

    def expression(self) -> dict:
        source = {
            "Expression": {"SourceRef": {"Entity": self.table}},
            "Property": self.name,
        }
        if self.kind == "measure":
            return {"Measure": source}
        if self.kind == "column":
            return {"Column": source}
        return {
            "Aggregation": {
                "Expression": {"Column": source},
                "Function": AGGREGATIONS[self.kind],
            }
        }

    @property
    def query_ref(self) -> str:
        ref = f"{self.table}.{self.name}"
        return ref if self.kind in ("column", "measure") else f"{self.kind}({ref})"

    def projection(self) -> dict:
        native = self.name
        if self.kind in AGGREGATIONS:
            word = {"Sum": "Sum", "Avg": "Average", "Min": "Min", "Max": "Max"}
            native = f"{word[self.kind]} of {self.name}"
        projection = {
            "field": self.expression(),
            "queryRef": self.query_ref,
            "nativeQueryRef": native,
        }
        if self.display_name:
            projection["displayName"] = self.display_name
        return projection


def column(table: str, name: str) -> Field:
    return Field(table, name)


def measure(table: str, name: str) -> Field:
    return Field(table, name, "measure")


def aggregated(
    kind: str, table: str, name: str, display_name: str | None = None
) -> Field:
    return Field(table, name, kind, display_name)


def literal(value: str | bool | int) -> dict:
    """A PBIR literal: 'text', true/false, or an integer (``12L``)."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int):
        text = f"{value}L"
    else:
        text = "'" + value.replace("'", "''") + "'"
    return {"expr": {"Literal": {"Value": text}}}


def short_name(*parts: str) -> str:
    """A stable 20-character hex name, like those Power BI Desktop gives."""
    return hashlib.sha1("/".join(parts).encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    width: int
    height: int


def visual_container(
    page: str,
    key: str,
    box: Box,
    z: int,
    visual_type: str,
    roles: dict[str, list[Field]],
    title: str,
    sort: list[tuple[Field, str]] | None = None,
    objects: dict | None = None,
) -> dict:
    """One visual.json. ``sort`` is (field, "Ascending"/"Descending")."""
    visual: dict = {"visualType": visual_type}
    query: dict = {
        "queryState": {
            role: {"projections": [field.projection() for field in fields]}
            for role, fields in roles.items()
        }
    }
    if sort:
        query["sortDefinition"] = {
            "sort": [
                {"field": field.expression(), "direction": direction}
                for field, direction in sort
            ],
            "isDefaultSort": False,
        }
    visual["query"] = query
    if objects:
        visual["objects"] = objects
    visual["visualContainerObjects"] = {
        "title": [{"properties": {"show": literal(True), "text": literal(title)}}]
    }
    visual["drillFilterOtherVisuals"] = True
    return {
        "$schema": VISUAL_SCHEMA,
        "name": short_name(page, key),
        "position": {
            "x": box.x,
            "y": box.y,
            "z": z,
            "height": box.height,
            "width": box.width,
            "tabOrder": z,
        },
        "visual": visual,
    }
