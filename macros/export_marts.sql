{#-
    Parquet exports for Power BI, written on-run-end (dbt_project.yml).

    After a `dbt build` in which no node failed (a test that only warns does
    not count), each model of the `marts` schema goes to
    <folder>/<mart>.parquet, next to a .pbids file that opens Power BI's Get
    Data on the folder. The folder is $SEGMENTATION_EXPORT_DIR, or exports/
    in the project. Any other run leaves the exports as they were.

    Two phases: DuckDB writes every mart to a staging file in the folder,
    then one call renames them all into place (segmentation/exports.py, made
    callable from SQL by the plugin segmentation/dbt_plugin.py). A failure
    while writing so leaves the previous files, and a rename never shows a
    reader half a file.
-#}

{% macro export_folder_setting() -%}
    {{ return(
        env_var("SEGMENTATION_EXPORT_DIR", "")
        or invocation_args_dict["project_dir"] ~ "/exports"
    ) }}
{%- endmacro %}

{% macro check_export_folder() -%}
    {#- On-run-start of a build of every mart, the only run that exports
        (incomplete_build_reason): a folder the exports cannot go to stops
        it before any node runs, in one line, instead of failing after
        every model and test. -#}
    {%- if not execute or flags.WHICH != "build" -%}
        {{ return("") }}
    {%- endif -%}
    {%- if exported_marts() | map(attribute="unique_id")
        | reject("in", selected_resources) | list -%}
        {{ return("") }}
    {%- endif -%}
    {%- set folder = export_folder_setting() -%}
    {%- set problem = run_query(
        "select segmentation_export_folder_problem(" ~ sql_literal(folder)
        ~ ")"
    ).columns[0].values()[0] -%}
    {%- if problem -%}
        {%- set named = " (SEGMENTATION_EXPORT_DIR)"
            if env_var("SEGMENTATION_EXPORT_DIR", "") else "" -%}
        {{ exceptions.raise_compiler_error(
            "Unusable export folder " ~ folder ~ named ~ ": " ~ problem
            ~ "; the Parquet exports need a folder they can be written to"
        ) }}
    {%- endif -%}
    {{ return("") }}
{%- endmacro %}

{% macro node_relation(node) -%}
    {#- The table a model node of the graph (or of a run result) builds. -#}
    {{ return(api.Relation.create(
        database=node.database, schema=node.schema, identifier=node.alias
    )) }}
{%- endmacro %}

{% macro exported_marts() -%}
    {#- Every model of the marts schema, by name: a new mart is exported
        without being listed anywhere. -#}
    {%- set marts = [] -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == "model" and node.schema == "marts" -%}
        {%- do marts.append(node) -%}
    {%- endfor -%}
    {{ return(marts | sort(attribute="name")) }}
{%- endmacro %}

{% macro export_sort_key(mart) -%}
    {#- A column that orders the mart's rows completely: one with a unique
        test and a not_null constraint in its contract; none when the mart
        has no such column (then every column is sorted on). Sorting 1M
        customers on one key instead of all 19 columns: 0.34 s instead of
        0.56 s here. -#}
    {%- set unique_columns = [] -%}
    {#- A unique test that only warns, or checks a subset (`where`), does
        not stop the exports, so it proves nothing about every row. -#}
    {%- for node in graph.nodes.values()
        if node.resource_type == "test"
        and node.attached_node == mart.unique_id
        and (node.test_metadata or {}).get("name") == "unique"
        and node.config.severity | lower == "error"
        and node.config.where is none -%}
        {%- do unique_columns.append(node.column_name) -%}
    {%- endfor -%}
    {#- The first such column in the contract's order. -#}
    {%- for name, column in mart.columns.items()
        if name in unique_columns
        and column.constraints | selectattr("type", "equalto", "not_null")
        | list -%}
        {{ return(adapter.quote(name)) }}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}

{% macro incomplete_build_reason(results, marts) -%}
    {#- Why this run is not a complete build, so that it must not replace
        the exports nor drop any table (drop_stale_relations); "" when it
        is. A build succeeds only when no model or test failed (warnings
        allowed), and it must have built every mart: the files of a build
        that selected some (or excluded some) would sit beside files of an
        earlier run, perhaps on another input. -#}
    {%- set unfinished = results | selectattr(
        "status", "in",
        ["error", "fail", "skipped", "runtime error", "partial success"]
    ) | list -%}
    {%- set built_marts = results | selectattr(
        "node.unique_id", "in", marts | map(attribute="unique_id") | list
    ) | list -%}
    {%- if flags.WHICH != "build" -%}
        {{ return("only `dbt build` writes them") }}
    {%- elif unfinished -%}
        {{ return(
            "the build did not succeed (" ~ unfinished | length
            ~ " nodes failed or were skipped)"
        ) }}
    {%- elif built_marts | length < marts | length -%}
        {{ return(
            "this build built " ~ built_marts | length ~ " of the "
            ~ marts | length ~ " marts, and the exports come from a build of"
            ~ " all of them"
        ) }}
    {%- endif -%}
    {{ return("") }}
{%- endmacro %}

{% macro export_marts(results) -%}
    {%- if not execute -%}
        {{ return("") }}
    {%- endif -%}
    {%- set marts = exported_marts() -%}
    {%- set skip_reason = incomplete_build_reason(results, marts) -%}
    {%- if skip_reason -%}
        {#- Said only where someone could expect new exports. -#}
        {%- if flags.WHICH in ["build", "run", "retry"] -%}
            {% do log("Parquet exports left as they were: " ~ skip_reason
                ~ ".", info=true) %}
        {%- endif -%}
        {{ return("") }}
    {%- endif -%}

    {%- set folder = run_query(
        "select segmentation_export_folder("
        ~ sql_literal(export_folder_setting()) ~ ")"
    ).columns[0].values()[0] -%}
    {%- set names = marts | map(attribute="name") | list -%}
    {%- set name_list -%}
        [{% for name in names %}{{ sql_literal(name) }}{{ ", " if not loop.last }}{% endfor %}]
    {%- endset -%}

    {%- for mart in marts -%}
        {%- set staged = run_query(
            "select segmentation_staging_path(" ~ sql_literal(folder) ~ ", "
            ~ sql_literal(mart.name) ~ ", " ~ sql_literal(invocation_id) ~ ")"
        ).columns[0].values()[0] -%}
        {#- Sorted, so that the same mart always gives the same file;
            snappy, so that a DuckDB upgrade cannot change the codec. -#}
        {%- set sort_key = export_sort_key(mart) -%}
        {%- call statement("export_" ~ mart.name) -%}
            copy (
                select * from {{ node_relation(mart) }}
                order by {{ sort_key or "all" }}
            ) to {{ sql_literal(staged) }} (format parquet, compression snappy)
        {%- endcall -%}
    {%- endfor -%}

    {%- set published = run_query(
        "select segmentation_publish_exports(" ~ sql_literal(folder) ~ ", "
        ~ name_list ~ ", " ~ sql_literal(invocation_id) ~ ")"
    ).columns[0].values()[0] -%}
    {% do log("Parquet exports for Power BI: " ~ published ~ ".", info=true) %}
    {{ return("") }}
{%- endmacro %}
