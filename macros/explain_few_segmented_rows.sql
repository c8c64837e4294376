{% macro explain_few_segmented_rows(results) -%}
    {#- on-run-end, when the test most_input_rows_are_segmented warned (or
        failed, with --warn-error): dbt says only "Got 1 result", so this
        runs the test's query again and, for each set of rows it returned
        (all the rows; with both files, the customer file's own), says in
        one line how many were segmented and, commonest first, why the
        others were not. -#}
    {%- set warned = warned_results(results, "most_input_rows_are_segmented") -%}
    {%- if not execute or not warned -%}
        {{ return("") }}
    {%- endif -%}
    {%- set rejected = node_relation(
        graph.nodes["model.mall_segmentation.rejected_customer_rows"]
    ) -%}
    {%- set row_sets = segmented_row_sets() -%}
    {%- set short_sets = run_query(warned[0].node.compiled_code).rows -%}
    {%- for row_set, segmented_rows, rejected_rows in short_sets -%}
        {%- set rows = row_sets[row_set] -%}
        {%- set reasons = run_query(
            "select reject_reason, count(*) from " ~ rejected
            ~ " where " ~ rows ~ " group by reject_reason"
            ~ " order by count(*) desc, reject_reason"
        ).rows -%}
        {%- set listed = [] -%}
        {%- for reason, reason_rows in reasons -%}
            {%- do listed.append(reason ~ " " ~ reason_rows) -%}
        {%- endfor -%}
        {%- if row_set == "customer_file" -%}
            {#- Order-lines customers can outnumber a customer file that
                shares none of their ids: say how many it shares (an id
                with only return lines counts). -#}
            {%- set shared = run_query(
                "select count(distinct customer_id) from "
                ~ node_relation(graph.nodes[
                    "model.mall_segmentation.int_customers_joined"])
                ~ " where " ~ rows ~ " and sale_lines + return_lines > 0"
            ).columns[0].values()[0] -%}
            {%- set what = " rows of the customer file "
                ~ input_label_shown("customers") -%}
            {%- set note = " (customer ids it shares with the order lines: "
                ~ shared ~ ")" -%}
        {%- else -%}
            {%- set what = " " ~ customer_rows_name() -%}
            {%- set note = "" -%}
        {%- endif -%}
        {% do log(
            "Only " ~ segmented_rows ~ " of the "
            ~ (segmented_rows + rejected_rows) ~ what ~ " were segmented"
            ~ note ~ "; the other " ~ rejected_rows ~ " are in "
            ~ rejected.schema ~ "." ~ rejected.identifier ~ ": "
            ~ listed | join(", ") ~ ".",
            info=true
        ) %}
    {%- endfor -%}
    {{ return("") }}
{%- endmacro %}

{% macro warned_results(results, test_name) -%}
    {#- The run results of the test ``test_name`` when it warned (or
        failed, with --warn-error), for the hooks that explain a warning. -#}
    {{ return(results | selectattr("node.name", "equalto", test_name)
        | selectattr("status", "in", ["warn", "fail"]) | list) }}
{%- endmacro %}
