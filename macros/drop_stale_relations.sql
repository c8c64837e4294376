{#-
    Tables and views of models and seeds that this configuration does not
    build, dropped after a complete build (on-run-end, dbt_project.yml).

    Which models run depends on the inputs: a build on order lines makes
    base_order_lines and the RFM tables, a build on the bundled seed does
    not, and dbt never drops what a disabled model left. Without this, the
    intermediate tables of the last order-lines build would sit beside the
    tables of a later customer-file build, and a client of the DuckDB file
    could join the two. A build that fails, or builds only some marts,
    changes nothing: its tables are not the complete picture either.
-#}

{% macro drop_stale_relations(results) -%}
    {%- if not execute
        or incomplete_build_reason(results, exported_marts()) -%}
        {{ return("") }}
    {%- endif -%}
    {#- What this configuration builds, and where: its databases and
        schemas, as SQL literals. -#}
    {%- set built = [] -%}
    {%- set databases = [] -%}
    {%- set schemas = [] -%}
    {%- for node in graph.nodes.values()
        if node.resource_type in ["model", "seed"] -%}
        {%- do built.append(
            (node.database ~ "." ~ node.schema ~ "."
            ~ (node.alias or node.name)) | lower
        ) -%}
        {%- do databases.append(sql_literal(node.database)) -%}
        {%- do schemas.append(sql_literal(node.schema)) -%}
    {%- endfor -%}
    {%- set listed = run_query(
        "select table_catalog, table_schema, table_name, table_type"
        ~ " from information_schema.tables"
        ~ " where table_catalog in (" ~ databases | unique | join(", ") ~ ")"
        ~ " and table_schema in (" ~ schemas | unique | join(", ") ~ ")"
        ~ " order by all"
    ) -%}
    {%- set dropped = [] -%}
    {%- for row in listed.rows
        if (row["table_catalog"] ~ "." ~ row["table_schema"] ~ "."
            ~ row["table_name"]) | lower not in built -%}
        {%- do adapter.drop_relation(api.Relation.create(
            database=row["table_catalog"],
            schema=row["table_schema"],
            identifier=row["table_name"],
            type="view" if row["table_type"] == "VIEW" else "table",
        )) -%}
        {%- do dropped.append(row["table_schema"] ~ "." ~ row["table_name"]) -%}
    {%- endfor -%}
    {%- if dropped -%}
        {#- run_query opened a transaction on the hook's connection, and
            dbt does not commit what an on-run-end hook does. -#}
        {%- do adapter.commit() -%}
        {% do log(
            "Dropped the tables and views of models and seeds this build"
            ~ " does not run: " ~ dropped | join(", ") ~ ".",
            info=true
        ) %}
    {%- endif -%}
    {{ return("") }}
{%- endmacro %}
