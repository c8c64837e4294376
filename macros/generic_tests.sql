{#-
    Generic data tests that dbt-utils would otherwise provide (dbt Hub
    packages are not reachable here). Each returns the failing rows.
-#}

{% test value_between(model, column_name, min_value=none, max_value=none) %}
    {#- NULLs pass: pair with not_null where a value is required. -#}
    select {{ column_name }} as failing_value
    from {{ model }}
    where
        {{ column_name }} is not null
        and (
            false
            {%- if min_value is not none %}
                or {{ column_name }} < {{ min_value }}
            {%- endif %}
            {%- if max_value is not none %}
                or {{ column_name }} > {{ max_value }}
            {%- endif %}
        )
{% endtest %}

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
    {#- The model has exactly as many rows as the scalar SQL expression. -#}
    select
        (select count(*) from {{ model }}) as actual_rows,
        ({{ expression }}) as expected_rows
    where (select count(*) from {{ model }}) != ({{ expression }})
{% endtest %}

{% test reject_reason_counts_add_up(model, input_name) %}
    {#- rejected_rows is the sum of the per-reason columns, one for each
        reason in macros/reject_reasons.sql. -#}
    select *
    from {{ model }}
    where rejected_rows != 0
    {%- for reason in reject_reason_names(input_name) %}
        + rejected_{{ reason }}
    {%- endfor %}
{% endtest %}
