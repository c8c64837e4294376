"""The Power BI Project in powerbi/: generated from the marts' contracts,
and consistent with the Parquet exports of a real build (Microsoft's
schemas and validator: test_power_bi_schemas.py and
test_power_bi_report_validator.py). All offline; Power BI Desktop itself
cannot run here (docs/power_bi.md says what only it can prove)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import PROJECT_DIR
from tmdl_reader import read_expressions, read_relationships, read_tables

from powerbi_project import manifest
from powerbi_project.project import REPORT_FOLDER, files_on_disk, project_files, write

POWERBI = PROJECT_DIR / "powerbi"
MODEL = POWERBI / "CustomerSegmentation.SemanticModel" / "definition"
REPORT = POWERBI / "CustomerSegmentation.Report"

TABLES = [
    "customer_segments",
    "k_evaluation",
    "reject_reasons",
    "rejected_customer_rows",
    "rejected_transaction_rows",
    "segment_centroids",
    "segment_monthly_sales",
    "segment_profiles",
    "segmentation_run_summary",
]
# Parquet (Arrow) types, the TMDL data type Power BI gives them and the
# Power Query type the partition sets.
TYPES_FOR_ARROW = {
    pa.int32(): ("int64", "Int64.Type"),
    pa.int64(): ("int64", "Int64.Type"),
    pa.float64(): ("double", "type number"),
    pa.string(): ("string", "type text"),
    pa.bool_(): ("boolean", "type logical"),
    # DECIMAL amounts (38, 6) and averages (38, 3): Power BI's Fixed
    # decimal number.
    pa.decimal128(38, 6): ("decimal", "Currency.Type"),
    pa.decimal128(38, 3): ("decimal", "Currency.Type"),
    pa.date32(): ("dateTime", "type date"),
}


def manifest_of(build) -> Path:
    return build.database.parent / "target" / "manifest.json"


# -- The generator ---------------------------------------------------------


def test_committed_files_are_what_the_generator_writes_now(bundled_build):
    expected = project_files(manifest.load(manifest_of(bundled_build)))
    on_disk = files_on_disk(POWERBI)
    assert sorted(on_disk) == sorted(expected), "run `make powerbi`"
    changed = [path for path in expected if on_disk[path] != expected[path]]
    assert changed == [], "run `make powerbi`"
    assert len(expected) == 59


def test_a_visual_no_longer_generated_leaves_no_folder(tmp_path):
    visuals = f"{REPORT_FOLDER}/definition/pages/data_quality/visuals"
    kept, removed = f"{visuals}/aaa/visual.json", f"{visuals}/bbb/visual.json"
    assert write(tmp_path, {kept: "{}\n", removed: "{}\n"}) == [
        f"missing: {kept}",
        f"missing: {removed}",
    ]
    assert write(tmp_path, {kept: "{}\n"}) == [f"not generated: {removed}"]
    assert sorted(p.name for p in (tmp_path / visuals).iterdir()) == ["aaa"]


RFM_MEASURES = [
    "Average recency (days)",
    "Average frequency (invoices)",
    "Average monetary value",
]
MONTHLY_MEASURES = [
    "Total revenue",
    "Returned value",
    "Invoice count",
    "Days covered",
    "Active customers",
]


def test_the_rfm_page_and_measures_follow_the_contracts(bundled_build, tmp_path):
    model = read_tables(MODEL)
    assert [m for m in model["customer_segments"].measures if m in RFM_MEASURES] == (
        RFM_MEASURES
    )
    assert list(model["segment_monthly_sales"].measures) == MONTHLY_MEASURES
    formats = {
        name: re.search(
            rf"measure '?{re.escape(name)}'? =.*?\n\t\tformatString: (\S+)",
            (MODEL / "tables" / f"{table}.tmdl").read_text(),
            re.S,
        ).group(1)
        for table, names in (
            ("customer_segments", RFM_MEASURES),
            ("segment_monthly_sales", MONTHLY_MEASURES),
        )
        for name in names
    }
    assert formats == {
        "Average recency (days)": "#,0.0",
        "Average frequency (invoices)": "#,0.0",
        "Average monetary value": "#,0.00",
        "Total revenue": "#,0.00",
        "Returned value": "#,0.00",
        "Invoice count": "#,0",
        "Days covered": "0",
        "Active customers": "#,0",
    }
    rfm_page = REPORT / "definition" / "pages" / "rfm"
    titles = sorted(
        visual["visual"]["visualContainerObjects"]["title"][0]["properties"]["text"][
            "expr"
        ]["Literal"]["Value"]
        for visual in (
            json.loads(path.read_text())
            for path in rfm_page.glob("visuals/*/visual.json")
        )
        if visual["visual"]["visualType"] != "card"
    )
    assert titles == [
        "'Customers by frequency score (rows) and recency score (columns)'",
        "'Revenue per month, by segment (the tooltip gives the days of the month"
        " the file covers)'",
        # A PBIR text literal doubles its quotes.
        "'The segments'' RFM averages'",
    ]

    # Without the order-lines columns and marts, none of it is generated.
    manifest_json = json.loads(manifest_of(bundled_build).read_text())
    nodes = manifest_json["nodes"]
    for name in ("segment_monthly_sales", "rejected_transaction_rows"):
        del nodes[f"model.mall_segmentation.{name}"]
    columns = nodes["model.mall_segmentation.customer_segments"]["columns"]
    for name in ("recency_days", "frequency", "monetary", "r_score", "f_score"):
        del columns[name]
    (tmp_path / "manifest.json").write_text(json.dumps(manifest_json))
    files = project_files(manifest.load(tmp_path / "manifest.json"))
    pages = json.loads(files["CustomerSegmentation.Report/definition/pages/pages.json"])
    assert pages["pageOrder"] == ["overview", "segment_profiles", "choosing_k",
                                  "data_quality"]  # fmt: skip
    assert not any("/pages/rfm/" in path for path in files)
    table = files[
        "CustomerSegmentation.SemanticModel/definition/tables/customer_segments.tmdl"
    ]
    assert not [name for name in RFM_MEASURES if f"'{name}'" in table]
    assert "measure 'Rejected order lines'" not in "".join(files.values())
    # Data quality: the customer rows' three cards, one chart by reason,
    # the run and the rejected rows.
    data_quality = [
        json.loads(text)["visual"]["visualType"]
        for path, text in files.items()
        if "/pages/data_quality/visuals/" in path
    ]
    assert (
        sorted(data_quality) == ["card"] * 3 + ["clusteredBarChart"] + ["tableEx"] * 2
    )


# -- The model against the Parquet exports of a real build -------------------


# The Mall build's exports, and those of the Online Retail order lines: the
# same tables, the order-lines columns filled in only in the second.
BUILDS = {"mall": "bundled_build", "order_lines": "online_retail_build"}


@pytest.fixture(scope="module", params=list(BUILDS))
def exports(request) -> Path:
    build = request.getfixturevalue(BUILDS[request.param])
    return build.database.parent / "exports"


def test_order_lines_exports_fill_the_rfm_tables(online_retail_build):
    folder = online_retail_build.database.parent / "exports"
    rows = {
        name: pq.read_metadata(folder / f"{name}.parquet").num_rows
        for name in ("segment_monthly_sales", "rejected_transaction_rows")
    }
    # 3 segments × 13 months; every rejected line of the file.
    assert rows == {"segment_monthly_sales": 39, "rejected_transaction_rows": 142_253}


def test_each_table_has_its_exports_columns_and_types(exports):
    model = read_tables(MODEL)
    assert sorted(model) == TABLES
    assert sorted(p.stem for p in exports.glob("*.parquet")) == TABLES
    for name, table in model.items():
        schema = pq.read_schema(exports / f"{name}.parquet")
        expected = [(f.name, TYPES_FOR_ARROW[f.type][0]) for f in schema]
        actual = [(c.name, c.properties["dataType"]) for c in table.columns]
        assert actual == expected, name
        assert all(c.properties["sourceColumn"] == c.name for c in table.columns)
    model_text = (MODEL / "model.tmdl").read_text()
    assert re.findall(r"^ref table (\S+)$", model_text, re.M) == TABLES


def test_every_partition_reads_its_export_through_the_folder_parameter(exports):
    expressions = read_expressions(MODEL / "expressions.tmdl")
    assert list(expressions) == ["ExportFolder"]
    assert expressions["ExportFolder"].endswith(
        'meta [IsParameterQuery=true, Type="Text", IsParameterQueryRequired=true]'
    )
    for name, table in read_tables(MODEL).items():
        # Each of the export's columns set to the type of its model column.
        schema = pq.read_schema(exports / f"{name}.parquet")
        typed = ",\n".join(
            f'\t\t\t{{"{f.name}", {TYPES_FOR_ARROW[f.type][1]}}}' for f in schema
        )
        assert table.partitions == {
            name: "let\n\tSource = Parquet.Document(File.Contents("
            f'ExportFolder & "{name}.parquet")),\n'
            "\tTyped = Table.TransformColumnTypes(\n\t\tSource,\n\t\t{\n"
            f"{typed}\n\t\t}}\n\t)\nin\n\tTyped"
        }


def test_relationships_join_existing_columns_of_one_type_many_to_one(exports):
    model = read_tables(MODEL)
    relationships = read_relationships(MODEL / "relationships.tmdl")
    ends = sorted((r.end("from"), r.end("to")) for r in relationships)
    assert ends == [
        (("customer_segments", "segment_id"), ("segment_profiles", "segment_id")),
        (
            ("rejected_customer_rows", "reject_reason_key"),
            ("reject_reasons", "reject_reason_key"),
        ),
        (
            ("rejected_transaction_rows", "reject_reason_key"),
            ("reject_reasons", "reject_reason_key"),
        ),
        (("segment_centroids", "segment_id"), ("segment_profiles", "segment_id")),
        (("segment_monthly_sales", "segment_id"), ("segment_profiles", "segment_id")),
    ]
    for relationship in relationships:
        # Single direction, many-to-one: TMDL's defaults, so nothing else set.
        assert sorted(relationship.properties) == ["fromColumn", "toColumn"]
        (from_table, from_column), (to_table, to_column) = (
            relationship.end("from"),
            relationship.end("to"),
        )
        types = {
            model[t].column(c).properties["dataType"]
            for t, c in ((from_table, from_column), (to_table, to_column))
        }
        assert len(types) == 1, relationship
        keys = (
            pq.read_table(exports / f"{to_table}.parquet").column(to_column).to_pylist()
        )
        assert len(keys) == len(set(keys)) > 0, relationship
        # Every key on the many side has its row on the one side.
        many = pq.read_table(exports / f"{from_table}.parquet").column(from_column)
        assert set(many.to_pylist()) <= set(keys), relationship


def test_sort_by_columns_give_each_value_one_position(exports):
    sorted_by = {
        (name, column.name): column.properties["sortByColumn"]
        for name, table in read_tables(MODEL).items()
        for column in table.columns
        if "sortByColumn" in column.properties
    }
    assert sorted_by == {
        ("customer_segments", "segment_name"): "segment_id",
        ("reject_reasons", "reject_reason_key"): "rule_order",
        ("segment_centroids", "feature"): "feature_position",
        ("segment_centroids", "segment_name"): "segment_id",
        ("segment_monthly_sales", "segment_name"): "segment_id",
        ("segment_profiles", "segment_name"): "segment_id",
    }
    for (name, column), by in sorted_by.items():
        rows = (
            pq.read_table(exports / f"{name}.parquet").select([column, by]).to_pylist()
        )
        pairs = {(row[column], row[by]) for row in rows}
        assert len({value for value, _ in pairs}) == len(pairs), (name, column)


# The measures whose logic is more than one aggregate, written out here as
# a second statement of what they compute (DAX cannot be evaluated offline):
# a changed generator that is regenerated still has to change this too.
MEASURE_LOGIC = {
    # Out of every segment in view: the segments' shares add up to 100 %.
    "Share of customers": "DIVIDE ( [Customers], CALCULATE ( [Customers],"
    " REMOVEFILTERS ( segment_profiles ), REMOVEFILTERS ("
    " customer_segments[segment_id], customer_segments[segment_name] ) ) )",
    # Out of the customers whose gender is known, not all of them.
    "Female share": "DIVIDE ( CALCULATE ( [Customers], KEEPFILTERS ("
    ' customer_segments[gender] = "Female" ) ), CALCULATE ( [Customers],'
    " KEEPFILTERS ( NOT ISBLANK ( customer_segments[gender] ) ) ) )",
    # The selected k whatever k is in view; the marker measures only there.
    "Selected k": "CALCULATE ( MAX ( k_evaluation[k] ),"
    " k_evaluation[is_selected] = TRUE () )",
    "Silhouette at the selected k": "CALCULATE ( [Mean silhouette], KEEPFILTERS ("
    " k_evaluation[is_selected] = TRUE () ) )",
    # 0 rather than blank for a reason with no rows, blank for the other
    # input's reasons and, for order lines, when the run read none.
    "Rejected customer rows": "IF ( SELECTEDVALUE ( reject_reasons[input_name] )"
    ' = "order_lines", BLANK (), COUNTROWS ( rejected_customer_rows ) + 0 )',
    "Rejected order lines": "IF ( SELECTEDVALUE ( reject_reasons[input_name] )"
    ' = "customers", BLANK (), IF ( ISBLANK ( SUM ('
    " segmentation_run_summary[transaction_lines] ) ), BLANK (), COUNTROWS ("
    " rejected_transaction_rows ) + 0 ) )",
}


def test_the_measures_with_logic_compute_what_is_written_here():
    measures = {
        name: " ".join(dax.split())
        for table in read_tables(MODEL).values()
        for name, dax in table.measures.items()
    }
    assert {name: measures[name] for name in MEASURE_LOGIC} == MEASURE_LOGIC


def test_the_theme_gives_each_segment_its_figure_colour():
    from segment_figures import segment_colour

    theme = json.loads(
        (
            REPORT / "StaticResources/RegisteredResources/segment_colours.json"
        ).read_text()
    )
    assert theme["dataColors"] == [segment_colour(i) for i in range(1, 21)]
    assert theme["dataColors"][:2] == ["#1f77b4", "#ff7f0e"]
    report = json.loads((REPORT / "definition/report.json").read_text())
    assert report["themeCollection"]["customTheme"]["name"] == theme["name"]


def test_files_are_lf_without_bom_and_tmdl_is_tab_indented():
    paths = list(files_on_disk(POWERBI))
    assert len(paths) == 59
    for relative in paths:
        raw = (POWERBI / relative).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), relative
        assert b"\r" not in raw, relative
        assert raw.endswith(b"\n"), relative
        if relative.endswith(".tmdl"):
            for line in raw.decode("utf-8").split("\n"):
                indentation = line[: len(line) - len(line.lstrip())]
                assert set(indentation) <= {"\t"}, (relative, line)
