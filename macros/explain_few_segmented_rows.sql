{% macro explain_few_segmented_rows(results) -%}
    {#- on-run-end, when the test most_input_rows_are_segmented warned (or
        failed, with --warn-error): dbt says only "Got 1 result", so this
        says, in one line for each half the test found short (all the
        rows; with both files, the customer file's own rows), how many rows
        were segmented and, commonest first, why the others were not. -#}
    {%- set warned = warned_results(results, "most_input_rows_are_segmented") -%}
    {#- The marts this run built, not an earlier run's. -#}
    {%- set built = {} -%}
    {%- for result in results
        if result.node.name in ["customer_segments", "rejected_customer_rows"]
        and result.status == "success" -%}
        {%- do built.update({result.node.name: node_relation(result.node)}) -%}
    {%- endfor -%}
    {%- if not execute or not warned or built | length < 2 -%}
        {{ return("") }}
    {%- endif -%}
    {%- set rejected = built["rejected_customer_rows"] -%}
    {%- set inputs = given_inputs() -%}
    {#- All the rows, then (with both files) the customer file's rows: those
        with a source_row_number. -#}
    {%- set halves = [("", "true")] -%}
    {%- if inputs | length > 1 -%}
        {%- do halves.append(
            ("file", "source_row_number is not null")
        ) -%}
    {%- endif -%}
    {%- for half, rows in halves -%}
        {%- set counts = run_query(
            "select (select count(*) from " ~ built["customer_segments"]
            ~ " where " ~ rows ~ "), (select count(*) from " ~ rejected
            ~ " where " ~ rows ~ ")"
        ).rows[0] -%}
        {%- if counts[0] < counts[1] -%}
            {%- set reasons = run_query(
                "select reject_reason, count(*) from " ~ rejected
                ~ " where " ~ rows ~ " group by reject_reason"
                ~ " order by count(*) desc, reject_reason"
            ).rows -%}
            {%- set listed = [] -%}
            {%- for reason, reason_rows in reasons -%}
                {%- do listed.append(reason ~ " " ~ reason_rows) -%}
            {%- endfor -%}
            {%- if half == "file" -%}
                {#- Order-lines customers can outnumber a customer file that
                    shares none of their ids: say how many it shares. -#}
                {%- set shared = run_query(
                    "select count(distinct customer_id) from "
                    ~ node_relation(graph.nodes[
                        "model.mall_segmentation.int_customers_joined"])
                    ~ " where source_row_number is not null"
                    ~ " and sale_lines + return_lines > 0"
                ).columns[0].values()[0] -%}
                {%- set what = " rows of the customer file "
                    ~ var("raw_customers_path") -%}
                {%- set note = " (customer ids it shares with the order"
                    ~ " lines: " ~ shared ~ ")" -%}
            {%- else -%}
                {#- With order lines alone, the rows are the customers with
                    a valid line (those with only returns are rejected). -#}
                {%- set what = " customer rows" if "customer_profiles"
                    in inputs else " customers of the order lines" -%}
                {%- set note = "" -%}
            {%- endif -%}
            {% do log(
                "Only " ~ counts[0] ~ " of the " ~ (counts[0] + counts[1])
                ~ what ~ " were segmented" ~ note ~ "; the other "
                ~ counts[1] ~ " are in " ~ rejected.schema ~ "."
                ~ rejected.identifier ~ ": " ~ listed | join(", ") ~ ".",
                info=true
            ) %}
        {%- endif -%}
    {%- endfor -%}
    {{ return("") }}
{%- endmacro %}

{% macro warned_results(results, test_name) -%}
    {#- The run results of the test ``test_name`` when it warned (or
        failed, with --warn-error), for the hooks that explain a warning. -#}
    {{ return(results | selectattr("node.name", "equalto", test_name)
        | selectattr("status", "in", ["warn", "fail"]) | list) }}
{%- endmacro %}
