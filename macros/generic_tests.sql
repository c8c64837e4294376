{#-
    Generic data tests that dbt-utils would otherwise provide (dbt Hub
    packages are not reachable here). Each returns the failing rows.
-#}

{% test expression_is_true(model, expression) %}
    select *
    from {{ model }}
    where not coalesce(({{ expression }}), false)
{% endtest %}

{% test unique_combination(model, combination) %}
    select
        {{ combination | join(", ") }},
        count(*) as row_count
    from {{ model }}
    group by {{ combination | join(", ") }}
    having count(*) > 1
{% endtest %}

{% test row_count_equals(model, expression) %}
    {#- The model has exactly as many rows as the scalar SQL expression
        (a NULL expression fails). With the test's `where` config, it counts
        the rows that meet the condition: unlike expression_is_true, which
        checks each row, it fails on an empty model. -#}
    select
        (select count(*) from {{ model }}) as actual_rows,
        ({{ expression }}) as expected_rows
    where (select count(*) from {{ model }}) is distinct from ({{ expression }})
{% endtest %}

{% test total_equals(model, expression, expected) %}
    {#- The model's sum of the SQL expression (0 over no rows) equals the
        scalar SQL expression expected: unlike a check on each row, it
        fails when the model has lost every row. -#}
    select *
    from (
        select
            (select coalesce(sum({{ expression }}), 0) from {{ model }})
                as actual_total,
            ({{ expected }}) as expected_total
    ) as totals
    where actual_total is distinct from expected_total
{% endtest %}

{% test reject_reason_counts_add_up(model, input_name) %}
    {#- The run summary's total of rejected rows (customers) or lines (order
        lines) is the sum of its per-reason columns, one for each reason in
        macros/reject_reasons.sql. Order-line counts are NULL without a
        file: NULL totals are not compared. -#}
    {%- set total, prefix = ("rejected_rows", "rejected_")
        if input_name == "customers"
        else ("rejected_transaction_lines", "rejected_lines_") -%}
    select *
    from {{ model }}
    where {{ total }} != 0
    {%- for reason in reject_reason_names(input_name) %}
        + {{ prefix }}{{ reason }}
    {%- endfor %}
{% endtest %}

{% test is_reject_reason_of(model, column_name, input_name) %}
    {#- Every value is a reason of that input in macros/reject_reasons.sql
        (reject_reasons shares some codes between inputs). -#}
    select {{ column_name }} as failing_value
    from {{ model }}
    where {{ column_name }} not in (
        {%- for reason in reject_reason_names(input_name) -%}
            {{ sql_literal(reason) }}{{ ", " if not loop.last }}
        {%- endfor -%}
    )
{% endtest %}

{% test most_rows_are_segmented(model, rejected) %}
    {#- One row for each set of input rows (segmented_row_sets) of which
        fewer were segmented (in `model`) than rejected (in `rejected`):
        its name and both counts, in the sets' order.
        explain_few_segmented_rows runs this query again to say which. -#}
    with

    row_sets as (
        {%- for row_set, rows in segmented_row_sets().items() %}

            select
                '{{ row_set }}' as row_set,
                {{ loop.index }} as row_set_position,
                (select count(*) from {{ model }} where {{ rows }})
                    as segmented_rows,
                (select count(*) from {{ rejected }} where {{ rows }})
                    as rejected_rows
            {{ "union all" if not loop.last }}
        {%- endfor %}

    )

    select
        row_set,
        segmented_rows,
        rejected_rows

    from row_sets
    where segmented_rows < rejected_rows
    order by row_set_position
{% endtest %}

{% macro segmented_row_sets() -%}
    {#- The rows of which most must be segmented, by name, as a condition
        on customer_segments and rejected_customer_rows: all of them, and
        with both files the customer file's own (those with a
        source_row_number), which the order lines' customers can
        outnumber when the file shares none of their ids. -#}
    {%- set row_sets = {"all": "true"} -%}
    {%- if given_inputs() | length > 1 -%}
        {%- do row_sets.update(
            {"customer_file": "source_row_number is not null"}
        ) -%}
    {%- endif -%}
    {{ return(row_sets) }}
{%- endmacro %}
