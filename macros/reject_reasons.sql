{#- Every reject reason int_customer_rows_validated can give, in the order
    its checks run. The run summary has a count column for each. -#}
{% macro reject_reasons() -%}
    {{ return([
        "missing_customer_id",
        "invalid_customer_id",
        "conflicting_duplicate",
        "invalid_gender",
        "invalid_age",
        "invalid_annual_income_k",
        "invalid_spending_score",
        "missing_age",
        "missing_annual_income_k",
        "missing_spending_score",
        "exact_duplicate",
    ]) }}
{%- endmacro %}
