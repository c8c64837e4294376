"""Names in the Power BI Project in powerbi/: every name a visual or a DAX
measure uses exists in the semantic model, and every name the model defines
is one Power BI accepts. Analysis Services, the engine under Power BI,
compares names ignoring case, and refuses to load a model in which a
measure is named like a column of its table or like another measure."""

from __future__ import annotations

import json
import re

from conftest import PROJECT_DIR
from tmdl_reader import read_tables

POWERBI = PROJECT_DIR / "powerbi"
MODEL = POWERBI / "CustomerSegmentation.SemanticModel" / "definition"
PAGES = POWERBI / "CustomerSegmentation.Report" / "definition" / "pages"


def test_no_name_is_used_twice_ignoring_case():
    model = read_tables(MODEL)
    assert len({name.casefold() for name in model}) == len(model) == 9
    for table in model.values():
        # A table's columns and measures share one set of names.
        folded = [name.casefold() for name in table.names]
        assert len(set(folded)) == len(folded), table.name
    measures = [name.casefold() for t in model.values() for name in t.measures]
    assert len(set(measures)) == len(measures) == 26
    # Stricter than within one table: a measure is referred to as [name]
    # alone, so none is named like a column of any table.
    columns = {c.name.casefold() for t in model.values() for c in t.columns}
    assert sorted(set(measures) & columns) == []


def test_every_field_a_visual_names_exists_in_the_model():
    model = read_tables(MODEL)
    named = []
    for path in sorted(PAGES.glob("*/visuals/*/visual.json")):
        query = json.loads(path.read_text())["visual"]["query"]
        fields = [
            p["field"]
            for state in query["queryState"].values()
            for p in state["projections"]
        ]
        fields += [s["field"] for s in query.get("sortDefinition", {}).get("sort", [])]
        for expression in fields:
            kind, reference = next(iter(expression.items()))
            if kind == "Aggregation":
                kind, reference = "Column", reference["Expression"]["Column"]
            table = model[reference["Expression"]["SourceRef"]["Entity"]]
            if kind == "Measure":
                assert reference["Property"] in table.measures, path
            else:
                assert kind == "Column", path
                assert table.column(reference["Property"]) is not None, path
            named.append((kind, table.name, reference["Property"]))
    assert len(named) == 97
    # The report shows something of every table.
    assert {table for _, table, _ in named} == set(model)


def test_dax_names_only_existing_columns_and_measures():
    model = read_tables(MODEL)
    measures = {m for table in model.values() for m in table.measures}
    assert len(measures) == 26
    for table in model.values():
        for dax in table.measures.values():
            for ref_table, ref_column in re.findall(r"(\w+)\[([^\]]+)\]", dax):
                assert model[ref_table].column(ref_column) is not None, dax
            for alone in re.findall(r"(?<![\w\]])\[([^\]]+)\]", dax):
                assert alone in measures, dax
