{#-
    Every reject reason, written once. For each input, the list order is the
    order the rules are applied: the first rule whose `when` holds gives the
    row its one reason. Everything else reads this list:
    - int_customer_rows_validated assigns the reason and its detail;
    - the mart reject_reasons lists them for the docs site, Power BI and the
      relationships test on rejected_customer_rows.reject_reason;
    - segmentation_run_summary counts the rows per reason;
    - tests/pytest/test_reject_reasons.py checks that the run summary's
      contract and docs/cleaning_rules.md list the same reasons.

    Keys:
    - reason: the code in reject_reason;
    - when: SQL over the columns of the validating model;
    - detail: the reject_detail text, with {column} replaced by that
      column's value;
    - description: one line for people;
    - feature (optional): the rule applies only when this is a clustering
      feature.
-#}
{% macro reject_reasons(input_name="customers") -%}
    {%- set reasons = {"customers": [
        {"reason": "missing_customer_id",
         "when": "customer_id_text is null",
         "detail": "CustomerID is missing",
         "description": "The customer id is missing."},
        {"reason": "invalid_customer_id",
         "when": "customer_id is null",
         "detail": "CustomerID '{customer_id_raw}' is not a positive whole number",
         "description": "The customer id is not a positive whole number."},
        {"reason": "conflicting_duplicate",
         "when": "version_count > 1",
         "detail": "CustomerID {customer_id} appears in {rows_with_id} rows"
            ~ " with {version_count} different sets of values",
         "description": "The id appears on rows whose values differ; every"
            ~ " version is rejected."},
        {"reason": "invalid_gender",
         "when": "gender_text is not null and gender is null",
         "detail": "Gender '{gender_raw}' is not a recognised spelling of"
            ~ " Female or Male",
         "description": "The gender is not a known spelling of Female or"
            ~ " Male."},
        {"reason": "invalid_age",
         "when": "age_text is not null and age is null",
         "detail": "Age '{age_raw}' is not a whole number from 0 to 120",
         "description": "The age is not a whole number from 0 to 120."},
        {"reason": "invalid_annual_income_k",
         "when": "annual_income_k_text is not null and annual_income_k is null",
         "detail": "Annual Income (k$) '{annual_income_k_raw}' is not a number"
            ~ " of at least 0",
         "description": "The annual income is not a number of at least 0."},
        {"reason": "invalid_spending_score",
         "when": "spending_score_text is not null and spending_score is null",
         "detail": "Spending Score (1-100) '{spending_score_raw}' is not a"
            ~ " whole number from 1 to 100",
         "description": "The spending score is not a whole number from 1 to"
            ~ " 100."},
        {"reason": "missing_age", "feature": "age",
         "when": "age_text is null",
         "detail": "Age, a clustering feature, is missing",
         "description": "The age is missing and age is a clustering feature."},
        {"reason": "missing_annual_income_k", "feature": "annual_income_k",
         "when": "annual_income_k_text is null",
         "detail": "Annual Income (k$), a clustering feature, is missing",
         "description": "The annual income is missing and it is a clustering"
            ~ " feature."},
        {"reason": "missing_spending_score", "feature": "spending_score",
         "when": "spending_score_text is null",
         "detail": "Spending Score (1-100), a clustering feature, is missing",
         "description": "The spending score is missing and it is a"
            ~ " clustering feature."},
        {"reason": "exact_duplicate",
         "when": "copy_number > 1",
         "detail": "exact copy of source row {first_source_row_number}",
         "description": "An extra copy of a row that is identical after"
            ~ " cleaning; the first copy is kept."},
    ]} -%}
    {{ return(reasons[input_name]) }}
{%- endmacro %}

{% macro reject_reason_names(input_name="customers") -%}
    {{ return(reject_reasons(input_name) | map(attribute="reason") | list) }}
{%- endmacro %}

{% macro assign_reject_reason(input_name, features) -%}
    {#- The first rule that holds; NULL when none does. -#}
    case
    {%- for rule in reject_reasons(input_name)
        if rule.feature is not defined or rule.feature in features %}
        when {{ rule.when }} then '{{ rule.reason }}'
    {%- endfor %}
    end
{%- endmacro %}

{% macro reject_detail(input_name, reason_column) -%}
    {#- Each reason's detail text, its {column} placeholders filled in. -#}
    case {{ reason_column }}
    {%- for rule in reject_reasons(input_name) %}
        when '{{ rule.reason }}' then {{ _detail_sql(rule.detail) }}
    {%- endfor %}
    end
{%- endmacro %}

{% macro _detail_sql(template) -%}
    {#- "Age '{age_raw}' is ..." -> concat('Age ''', age_raw, ''' is ...').
        re.split with one group alternates text and column names. -#}
    {%- set parts = modules.re.split("\{(\w+)\}", template) -%}
    {%- set pieces = [] -%}
    {%- for part in parts -%}
        {%- if loop.index0 is odd -%}
            {%- do pieces.append(part) -%}
        {%- elif part -%}
            {%- do pieces.append(sql_literal(part)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- "concat(" ~ pieces | join(", ") ~ ")" if pieces | length > 1
        else pieces[0] -}}
{%- endmacro %}
