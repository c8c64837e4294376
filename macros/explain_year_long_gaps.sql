{% macro explain_year_long_gaps(results) -%}
    {#- on-run-end, when the test assert_order_line_dates_have_no_year_long_gap
        warned: dbt says only "Got 1 result", so this names each gap in one
        line, from the test's own query. -#}
    {%- set warned = warned_results(
        results, "assert_order_line_dates_have_no_year_long_gap"
    ) -%}
    {%- if not execute or not warned -%}
        {{ return("") }}
    {%- endif -%}
    {%- set gaps = [] -%}
    {%- for before, after, days in run_query(warned[0].node.compiled_code).rows -%}
        {%- do gaps.append(
            before ~ " and " ~ after ~ " (" ~ "{:,}".format(days) ~ " days)"
        ) -%}
    {%- endfor -%}
    {% do log(
        "The order lines have no valid line between " ~ gaps | join(", nor ")
        ~ ": a mistyped year? Recency counts from the day after the latest"
        ~ " sale line unless as_of_date is set, which rejects the lines from"
        ~ " that day on.",
        info=true
    ) %}
    {{ return("") }}
{%- endmacro %}
