"""What the Power BI model needs from dbt's manifest: the exported marts
with their contract columns, and the relationships tested between them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

# The schema whose every model is exported (macros/export_marts.sql).
EXPORTED_SCHEMA = "marts"

# Contract types (DuckDB) to TMDL data types. The Parquet exports carry the
# contract types, so Power BI reads INT32 and INT64 alike as Whole number.
TMDL_TYPES = {
    "integer": "int64",
    "bigint": "int64",
    "smallint": "int64",
    "double": "double",
    "float": "double",
    "varchar": "string",
    "text": "string",
    "boolean": "boolean",
    "date": "dateTime",
    "timestamp": "dateTime",
}
# Contract types to the Power Query types the partitions set, the types of
# the model's columns: Fixed decimal number for DECIMAL (Currency.Type),
# whatever type Power BI's Parquet reader gives a column.
M_TYPES = {
    "integer": "Int64.Type",
    "bigint": "Int64.Type",
    "smallint": "Int64.Type",
    "double": "type number",
    "float": "type number",
    "varchar": "type text",
    "text": "type text",
    "boolean": "type logical",
    "date": "type date",
    "timestamp": "type datetime",
}
_DECIMAL = re.compile(r"(decimal|numeric)(\(\d+,\s*\d+\))?")


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str  # as written in the contract, lower case
    description: str

    @property
    def tmdl_type(self) -> str:
        return "decimal" if self._is_decimal else self._mapped(TMDL_TYPES)

    @property
    def m_type(self) -> str:
        return "Currency.Type" if self._is_decimal else self._mapped(M_TYPES)

    @property
    def _is_decimal(self) -> bool:
        return _DECIMAL.fullmatch(self.data_type) is not None

    def _mapped(self, types: dict[str, str]) -> str:
        try:
            return types[self.data_type]
        except KeyError:
            raise ValueError(
                f"column {self.name}: contract type {self.data_type!r} has no"
                " Power BI type in powerbi_project/manifest.py"
            ) from None


@dataclass(frozen=True)
class Mart:
    name: str
    description: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class Relationship:
    """Many rows of ``from_table`` to one row of ``to_table``."""

    from_table: str
    from_column: str
    to_table: str
    to_column: str


@dataclass(frozen=True)
class Marts:
    marts: tuple[Mart, ...]
    relationships: tuple[Relationship, ...]

    def get(self, name: str) -> Mart | None:
        return next((m for m in self.marts if m.name == name), None)

    def has(self, table: str, column: str | None = None) -> bool:
        mart = self.get(table)
        return mart is not None and (column is None or mart.column(column) is not None)


def load(manifest_path: Path) -> Marts:
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    models = {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["schema"] == EXPORTED_SCHEMA
    }
    marts = []
    for node in sorted(models.values(), key=lambda n: n["name"]):
        if not node["config"].get("contract", {}).get("enforced"):
            raise ValueError(f"mart {node['name']} has no enforced contract")
        marts.append(
            Mart(
                name=node["name"],
                description=clean(node.get("description", "")),
                columns=tuple(
                    Column(
                        name=column["name"],
                        data_type=column["data_type"].strip().lower(),
                        description=clean(column.get("description", "")),
                    )
                    for column in node["columns"].values()
                ),
            )
        )
    return Marts(tuple(marts), tested_relationships(manifest, models))


def tested_relationships(manifest: dict, models: dict) -> tuple[Relationship, ...]:
    """One relationship per dbt `relationships` test from a mart to a mart."""
    found = set()
    for node in manifest["nodes"].values():
        test = node.get("test_metadata") or {}
        if node["resource_type"] != "test" or test.get("name") != "relationships":
            continue
        source = node.get("attached_node")
        targets = [n for n in node["depends_on"]["nodes"] if n != source]
        if source not in models or len(targets) != 1 or targets[0] not in models:
            continue
        found.add(
            Relationship(
                from_table=models[source]["name"],
                from_column=test["kwargs"]["column_name"],
                to_table=models[targets[0]]["name"],
                to_column=test["kwargs"]["field"],
            )
        )
    return tuple(sorted(found, key=lambda r: (r.from_table, r.from_column)))


def clean(text: str) -> str:
    """A description on one line, without doubled spaces."""
    return " ".join(text.split())
