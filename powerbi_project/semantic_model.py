"""The semantic model as TMDL text: one table per exported mart, loaded from
its Parquet export through the folder parameter, with the tested
relationships, the measures and sort-by columns.

The file shapes follow what Power BI Desktop saves in a PBIP project (tab
indentation, a multi-line expression indented one level below its object's
properties). Lineage tags are derived from the object's name, so the same
contracts always give the same files.
"""

from __future__ import annotations

import json
import re
import uuid

from powerbi_project.manifest import Column, Mart, Marts
from powerbi_project.measures import Measure, measures_for

FOLDER_PARAMETER = "ExportFolder"
# What the team replaces with their export folder; the trailing backslash
# matters, the file names are appended to it.
FOLDER_PLACEHOLDER = "C:\\segmentation\\exports\\"
COMPATIBILITY_LEVEL = 1567
_NAMESPACE = uuid.UUID("5b0d8a2e-6c1f-4f47-9a53-0c3f2e6b9d41")

# A text column sorted by a number column of the same table, where both
# exist: segments by id (so each keeps its theme colour), features and
# reject reasons in the pipeline's order.
SORT_BY = {
    "segment_name": "segment_id",
    "feature": "feature_position",
    "reject_reason_key": "rule_order",
}
# Numbers that identify or order rows, and the RFM quintile scores (1-5,
# labels of a grid rather than quantities): never summed.
_KEY_PATTERN = re.compile(
    r".*(_id|_number|_position|_order|_seed)|k|selected_k|k_min|k_max|n_clusters"
    r"|[rfm]_score"
)
# Numbers that add up across rows.
_COUNT_PATTERN = re.compile(
    r".*(_count|_rows|_lines)|rejected_.*|invoices|active_customers"
)
# Amounts that add up across rows (the order lines' exact sums).
_AMOUNT_PATTERN = re.compile(r"revenue|returned_value")


def lineage_tag(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def name(text: str) -> str:
    """A TMDL object name, quoted when it is not a plain identifier."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text):
        return text
    return "'" + text.replace("'", "''") + "'"


def indent(text: str, depth: int) -> list[str]:
    """``text`` indented ``depth`` tabs; its own 4-space steps become tabs,
    so that every file is indented with tabs only."""
    lines = []
    for line in text.splitlines():
        body = line.lstrip(" ")
        steps = (len(line) - len(body)) // 4
        lines.append("\t" * (depth + steps) + body if body else "")
    return lines


def doc_comment(text: str, depth: int) -> list[str]:
    return ["\t" * depth + "/// " + text] if text else []


def database_tmdl() -> str:
    return f"database\n\tcompatibilityLevel: {COMPATIBILITY_LEVEL}\n"


def model_tmdl(marts: Marts) -> str:
    query_order = [FOLDER_PARAMETER] + [mart.name for mart in marts.marts]
    lines = [
        "model Model",
        "\tculture: en-US",
        "\tdefaultPowerBIDataSourceVersion: powerBI_V3",
        "\tsourceQueryCulture: en-US",
        "\tdataAccessOptions",
        "\t\tlegacyRedirects",
        "\t\treturnErrorValuesAsNull",
        "",
        f"annotation PBI_QueryOrder = {json.dumps(query_order, separators=(',', ':'))}",
        "",
        # No hidden auto date tables: the one date, month_start, already is
        # a month.
        "annotation __PBI_TimeIntelligenceEnabled = 0",
        "",
    ]
    lines += [f"ref table {name(mart.name)}" for mart in marts.marts]
    return "\n".join(lines) + "\n"


def expressions_tmdl() -> str:
    meta = 'meta [IsParameterQuery=true, Type="Text", IsParameterQueryRequired=true]'
    return "\n".join(
        [
            "/// The folder holding the Parquet exports, ending with a backslash.",
            f'expression {FOLDER_PARAMETER} = "{FOLDER_PLACEHOLDER}" {meta}',
            f"\tlineageTag: {lineage_tag('expression', FOLDER_PARAMETER)}",
            "",
            "\tannotation PBI_ResultType = Text",
            "",
        ]
    )


def relationships_tmdl(marts: Marts) -> str:
    blocks = []
    for rel in marts.relationships:
        key = f"{rel.from_table}.{rel.from_column}->{rel.to_table}.{rel.to_column}"
        blocks.append(
            "\n".join(
                [
                    f"relationship {lineage_tag('relationship', key)}",
                    f"\tfromColumn: {name(rel.from_table)}.{name(rel.from_column)}",
                    f"\ttoColumn: {name(rel.to_table)}.{name(rel.to_column)}",
                ]
            )
        )
    return "\n\n".join(blocks) + "\n"


def partition_source(mart: Mart) -> str:
    """The export, each column set to its contract's type, as Desktop's
    "Changed Type" step does: the model's column types then hold whatever
    types Power BI's Parquet reader gives."""
    pairs = ",\n".join(
        f'            {{"{column.name}", {column.m_type}}}' for column in mart.columns
    )
    return "\n".join(
        [
            "let",
            "    Source = Parquet.Document(File.Contents("
            f'{FOLDER_PARAMETER} & "{mart.name}.parquet")),',
            "    Typed = Table.TransformColumnTypes(",
            "        Source,",
            "        {",
            pairs,
            "        }",
            "    )",
            "in",
            "    Typed",
        ]
    )


def column_properties(mart: Mart, column: Column) -> list[str]:
    data_type = column.tmdl_type
    props = [f"dataType: {data_type}"]
    summarize = "none"
    if data_type in ("int64", "double", "decimal"):
        if _AMOUNT_PATTERN.fullmatch(column.name):
            props.append("formatString: #,0.00")
            summarize = "sum"
        elif _COUNT_PATTERN.fullmatch(column.name):
            props.append("formatString: #,0")
            summarize = "sum"
        elif _KEY_PATTERN.fullmatch(column.name):
            props.append("formatString: 0")
        elif column.name.endswith("_share"):
            props.append("formatString: 0.0%")
            summarize = "average"
        elif data_type == "int64":
            props.append("formatString: #,0")
            summarize = "average"
        else:
            props.append("formatString: #,0.00")
            summarize = "average"
    elif data_type == "dateTime":
        props.append("formatString: Short Date")
    props.append(f"lineageTag: {lineage_tag(mart.name, 'column', column.name)}")
    props.append(f"summarizeBy: {summarize}")
    props.append(f"sourceColumn: {column.name}")
    sort_by = SORT_BY.get(column.name)
    if sort_by and mart.column(sort_by):
        props.append(f"sortByColumn: {name(sort_by)}")
    return props


def measure_lines(measure: Measure) -> list[str]:
    lines = doc_comment(measure.description, 1)
    if "\n" in measure.expression:
        lines.append(f"\tmeasure {name(measure.name)} =")
        lines += indent(measure.expression, 3)
    else:
        lines.append(f"\tmeasure {name(measure.name)} = {measure.expression}")
    lines.append(f"\t\tformatString: {measure.format_string}")
    lines.append(
        f"\t\tlineageTag: {lineage_tag(measure.table, 'measure', measure.name)}"
    )
    return [*lines, ""]


def table_tmdl(mart: Mart, measures: list[Measure]) -> str:
    lines = doc_comment(mart.description, 0)
    lines += [
        f"table {name(mart.name)}",
        f"\tlineageTag: {lineage_tag(mart.name)}",
        "",
    ]
    for measure in measures:
        lines += measure_lines(measure)
    for column in mart.columns:
        lines += doc_comment(column.description, 1)
        lines.append(f"\tcolumn {name(column.name)}")
        lines += ["\t\t" + prop for prop in column_properties(mart, column)]
        lines += ["", "\t\tannotation SummarizationSetBy = Automatic", ""]
        if column.data_type == "date":
            # What Desktop writes for a column of dates without times.
            lines += ["\t\tannotation UnderlyingDateTimeDataType = Date", ""]
    lines += [
        f"\tpartition {name(mart.name)} = m",
        "\t\tmode: import",
        "\t\tsource =",
        *indent(partition_source(mart), 4),
        "",
        "\tannotation PBI_ResultType = Table",
        "",
    ]
    return "\n".join(lines)


def semantic_model_files(marts: Marts) -> dict[str, str]:
    """Path under the .SemanticModel folder -> text, for definition/."""
    measures = measures_for(marts)
    files = {
        "definition/database.tmdl": database_tmdl(),
        "definition/model.tmdl": model_tmdl(marts),
        "definition/expressions.tmdl": expressions_tmdl(),
        "definition/relationships.tmdl": relationships_tmdl(marts),
    }
    for mart in marts.marts:
        own = [m for m in measures if m.table == mart.name]
        files[f"definition/tables/{mart.name}.tmdl"] = table_tmdl(mart, own)
    return files
