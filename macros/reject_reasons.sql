{#-
    Every reject reason, written once. For each input, the list order is the
    order the rules are applied: the first rule whose `when` holds gives the
    row its one reason. Everything else reads this list:
    - int_customer_rows_validated and int_order_lines_validated assign the
      reason and its detail; int_customers_joined the customer rules
      marked `joined`, which need a customer's profile and order lines
      side by side;
    - the mart reject_reasons lists them for the docs site, Power BI and the
      tests on the rejected rows' reject_reason;
    - segmentation_run_summary counts the rows per reason;
    - `make generate` writes the run summary's count columns into its
      contract and the tables of docs/cleaning_rules.md from this list
      (reject_reason_listings/), and a test fails until they are rewritten.

    The two inputs share some codes (missing_customer_id, exact_duplicate):
    a reason is identified by its input and its code.

    Keys:
    - reason: the code in reject_reason;
    - when: SQL over the columns of the validating model;
    - detail: the reject_detail text, with {column} replaced by that
      column's value;
    - description: one line for people;
    - feature (optional): the rule applies only when this is a clustering
      feature;
    - features_from (optional): the rule applies only when a clustering
      feature comes from this input (macros/feature_catalogue.sql);
    - joined (optional): the rule is checked on the join of the customer
      rows and their order lines (int_customers_joined), after every rule
      on the customer rows themselves.
-#}
{% macro reject_reasons(input_name="customers") -%}
    {#- Both inputs read a customer id by one rule (positive_whole_number
        in macros/cleaning.sql), so its two reasons are written once. -#}
    {%- set missing_customer_id = {
        "reason": "missing_customer_id",
        "when": "customer_id_text is null",
        "detail": "CustomerID is missing",
        "description": "The customer id is missing."} -%}
    {%- set invalid_customer_id = {
        "reason": "invalid_customer_id",
        "when": "customer_id is null",
        "detail": "CustomerID '{customer_id_raw}' is not a whole number from"
            ~ " 1 to 9223372036854775807",
        "description": "The customer id is not a whole number from 1 to"
            ~ " 2^63 - 1 (17850.0 counts as 17850)."} -%}
    {%- set reasons = {"customers": [
        missing_customer_id,
        invalid_customer_id,
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
        {"reason": "no_customer_profile", "joined": true,
         "features_from": "customer_profiles",
         "when": "source_row_number is null",
         "detail": "CustomerID {customer_id} has order lines but no row in"
            ~ " the customer file",
         "description": "With both files: the customer has order lines but"
            ~ " no row in the customer file, and a clustering feature comes"
            ~ " from that file."},
        {"reason": "no_purchases", "joined": true,
         "features_from": "order_lines",
         "when": "not has_purchases",
         "detail": "CustomerID {customer_id} has no sale line left after"
            ~ " cleaning; return lines: {return_lines}",
         "description": "The customer has no sale line left after cleaning"
            ~ " (none in the file, only returns, or every sale line rejected,"
            ~ " say dated on or after as_of_date): no purchase to measure"
            ~ " recency, frequency and spend by, and a clustering feature"
            ~ " comes from the order lines."},
    ], "order_lines": [
        missing_customer_id,
        invalid_customer_id,
        {"reason": "missing_invoice",
         "when": "invoice_no is null",
         "detail": "InvoiceNo is missing",
         "description": "The invoice number is missing."},
        {"reason": "missing_stock_code",
         "when": "stock_code is null",
         "detail": "StockCode is missing",
         "description": "The stock code is missing."},
        {"reason": "invalid_invoice_date",
         "when": "invoice_date is null",
         "detail": "InvoiceDate '{invoice_date_raw}' is not a date"
            ~ " written YYYY-MM-DD[ HH:MM[:SS]] or M/D/YYYY"
            ~ " H:MM[:SS] (D/M/YYYY when slash_date_order is day_first)"
            ~ " in the years 1000 to 9998",
         "description": "The invoice date is missing, not written"
            ~ " YYYY-MM-DD[ HH:MM[:SS]] (a T, fractions of a second or a UTC"
            ~ " offset allowed) or M/D/YYYY H:MM[:SS] (month first, or day"
            ~ " first with the var slash_date_order), or outside the years"
            ~ " 1000 to 9998 (9999-12-31 is a common placeholder for no"
            ~ " date)."},
        {"reason": "invalid_quantity",
         "when": "quantity is null",
         "detail": "Quantity '{quantity_raw}' is not a whole number other"
            ~ " than 0 and under 10^9 in size",
         "description": "The quantity is missing, not a whole number (6.0"
            ~ " counts as 6), 0, or 10^9 or more in size (too large for the"
            ~ " exact totals)."},
        {"reason": "invalid_unit_price",
         "when": "unit_price is null",
         "detail": "UnitPrice '{unit_price_raw}' is not a number above 0"
            ~ " and below 10^12 once rounded to 6 decimals",
         "description": "The unit price is missing, not a finite number, or"
            ~ " once rounded to 6 decimals 0 or less (a price under"
            ~ " 0.0000005 rounds to 0) or 10^12 or more (too large to keep"
            ~ " to 6 decimals)."},
        {"reason": "inconsistent_cancellation",
         "when": "is_cancellation_invoice and quantity > 0",
         "detail": "cancellation invoice {invoice_no} has a positive"
            ~ " quantity ({quantity})",
         "description": "The invoice number starts with C (a cancellation)"
            ~ " but the quantity is positive."},
        {"reason": "non_product_line",
         "when": "is_non_product_stock_code",
         "detail": "StockCode {stock_code} is not a product (var"
            ~ " non_product_stock_codes)",
         "description": "The stock code is one of non_product_stock_codes:"
            ~ " postage, fees, manual adjustments, discounts."},
        {"reason": "exact_duplicate",
         "when": "source_line_number > first_copy_line_number",
         "detail": "exact copy of source line {first_copy_line_number}",
         "description": "An extra copy of a line that is identical in all"
            ~ " eight fields after cleaning; the first copy in file order is"
            ~ " kept."},
        {"reason": "after_as_of_date",
         "when": "invoice_date >= as_of_date",
         "detail": "dated {invoice_date}, on or after as_of_date"
            ~ " {as_of_date}",
         "description": "Only when the var as_of_date is set: the line is"
            ~ " dated on or after it."},
    ]} -%}
    {{ return(reasons[input_name]) }}
{%- endmacro %}

{% macro reject_reason_key(input_name_sql, reason_column="reject_reason") -%}
    {#- The key of a reason in the mart reject_reasons: the input and the
        code. Both inputs have an exact_duplicate rule, so the code alone is
        not unique. `input_name_sql` is SQL: a column, or a quoted name. -#}
    {{ input_name_sql }} || ':' || {{ reason_column }}
{%- endmacro %}

{% macro reject_reason_names(input_name="customers") -%}
    {{ return(reject_reasons(input_name) | map(attribute="reason") | list) }}
{%- endmacro %}

{% macro reject_reason_order(input_name, reason_column="reject_reason") -%}
    {#- A reason's place in its input's rules (1 = checked first): the
        tie-break wherever the commonest reason is named. -#}
    case {{ reason_column }}
    {%- for reason in reject_reason_names(input_name) %}
        when '{{ reason }}' then {{ loop.index }}
    {%- endfor %}
    end
{%- endmacro %}

{% macro _rules_checked(input_name, joined) -%}
    {#- The rules one model checks: the joined customer rules, or all the
        others. -#}
    {{ return(
        reject_reasons(input_name) | selectattr("joined", "defined") | list
        if joined
        else reject_reasons(input_name) | rejectattr("joined", "defined")
        | list
    ) }}
{%- endmacro %}

{% macro _rule_applies(rule, features) -%}
    {#- A rule tied to clustering features applies only when they are. -#}
    {%- if rule.feature is defined -%}
        {{ return(rule.feature in (features or [])) }}
    {%- elif rule.features_from is defined -%}
        {{ return(
            (features or []) | select("in", feature_names(rule.features_from))
            | list | length > 0
        ) }}
    {%- endif -%}
    {{ return(true) }}
{%- endmacro %}

{% macro assign_reject_reason(input_name, features=none, joined=false) -%}
    {#- The first rule that holds; NULL when none does. features none:
        the input has no feature rules. -#}
    case
    {%- for rule in _rules_checked(input_name, joined)
        if _rule_applies(rule, features) %}
        when {{ rule.when }} then '{{ rule.reason }}'
    {%- endfor %}
    end
{%- endmacro %}

{% macro reject_detail(input_name, reason_column, joined=false) -%}
    {#- Each reason's detail text, its {column} placeholders filled in. -#}
    case {{ reason_column }}
    {%- for rule in _rules_checked(input_name, joined) %}
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
