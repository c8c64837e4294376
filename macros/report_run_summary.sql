{% macro report_run_summary(results) -%}
    {#- on-run-end, when this run built segmentation_run_summary: what
        became of the input, in a line per input, so that a user sees how
        many rows were rejected without querying the marts. -#}
    {%- set built = results | selectattr(
        "node.name", "equalto", "segmentation_run_summary"
    ) | selectattr("status", "equalto", "success") | list -%}
    {%- if not execute or not built -%}
        {{ return("") }}
    {%- endif -%}
    {%- set summary = run_query(
        "select input_rows, segmented_rows, rejected_rows, selected_k,"
        ~ " transaction_lines, sale_lines, return_lines,"
        ~ " rejected_transaction_lines from "
        ~ node_relation(built[0].node)
    ).rows[0] -%}
    {%- set inputs = given_inputs() -%}
    {%- set customers = " " ~ customer_rows_name() -%}
    {%- if inputs | length > 1 -%}
        {%- set customers = " customers (the customer file's rows, and the"
            ~ " order lines' customers without one)" -%}
    {%- endif -%}
    {% do log(
        "Segmented " ~ summary[1] ~ " of the " ~ summary[0] ~ customers
        ~ " into " ~ summary[3] ~ " segments; " ~ summary[2]
        ~ " rejected, each with its reason in marts.rejected_customer_rows.",
        info=true
    ) %}
    {%- if "order_lines" in inputs -%}
        {% do log(
            "Order lines: " ~ summary[4] ~ " read, " ~ summary[5] ~ " sales, "
            ~ summary[6] ~ " returns, " ~ summary[7] ~ " rejected, each with"
            ~ " its reason in marts.rejected_transaction_rows.",
            info=true
        ) %}
    {%- endif -%}
    {{ return("") }}
{%- endmacro %}
