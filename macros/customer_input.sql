{#-
    Where the customer rows come from: the bundled seed by default, or the
    CSV / Parquet file named by the var `raw_customers_path`. Either way every
    column arrives as text, so one set of staging SQL cleans both.
-#}

{% macro customer_input_columns() -%}
    {#- Each staging column, the header the Mall data uses for it, and every
        header accepted for it (compared trimmed and case-insensitively). -#}
    {{ return([
        {"name": "customer_id", "header": "CustomerID",
         "accepted": ["customerid", "customer id", "customer_id"]},
        {"name": "gender", "header": "Genre", "label": "Genre (or Gender)",
         "accepted": ["genre", "gender"]},
        {"name": "age", "header": "Age",
         "accepted": ["age"]},
        {"name": "annual_income_k", "header": "Annual Income (k$)",
         "accepted": ["annual income (k$)", "annual_income_k"]},
        {"name": "spending_score", "header": "Spending Score (1-100)",
         "accepted": ["spending score (1-100)", "spending_score"]},
    ]) }}
{%- endmacro %}

{% macro customer_input_label() -%}
    {#- How error messages name the input. -#}
    {%- set path = var("raw_customers_path") -%}
    {{ return(path if path else "seed mall_customers (seeds/mall_customers.csv)") }}
{%- endmacro %}

{% macro customer_input_relation() -%}
    {%- set path = var("raw_customers_path") -%}
    {%- if not path -%}
        {{ return(ref("mall_customers")) }}
    {%- endif -%}
    {%- set quoted = "'" ~ (path | replace("'", "''")) ~ "'" -%}
    {%- if path.lower().endswith(".parquet") -%}
        {{ return("read_parquet(" ~ quoted ~ ")") }}
    {%- else -%}
        {#- Dialect fixed rather than sniffed: a file that is not
            comma-separated with a header row then fails the column check
            with a clear message instead of being misread. -#}
        {{ return(
            "read_csv(" ~ quoted ~ ", all_varchar = true, header = true, "
            ~ "delim = ',', quote = '\"', escape = '\"')"
        ) }}
    {%- endif -%}
{%- endmacro %}

{% macro customer_input_header_map() -%}
    {#- Staging column name -> the input's own header for it. Raises a clear
        one-line error naming the input and the missing column. Before
        execution (parsing), assumes the Mall headers. -#}
    {%- set wanted = customer_input_columns() -%}
    {#- Unit tests replace the input with fixture rows named like the Mall
        headers, so there is nothing to look up. -#}
    {%- if not execute or model.resource_type == "unit_test" -%}
        {%- set mapping = {} -%}
        {%- for column in wanted -%}
            {%- do mapping.update({column.name: column.header}) -%}
        {%- endfor -%}
        {{ return(mapping) }}
    {%- endif -%}

    {%- if var("raw_customers_path") -%}
        {%- set described = run_query(
            "describe select * from " ~ customer_input_relation()
        ) -%}
        {%- set found = described.columns[0].values() | list -%}
    {%- else -%}
        {%- set found = adapter.get_columns_in_relation(
            customer_input_relation()
        ) | map(attribute="name") | list -%}
        {#- The seed is not loaded yet (compiling or linting a fresh clone):
            assume its committed header. -#}
        {%- if not found -%}
            {%- set found = wanted | map(attribute="header") | list -%}
        {%- endif -%}
    {%- endif -%}
    {%- set mapping = {} -%}
    {%- for column in wanted -%}
        {%- for header in found -%}
            {%- if header | trim | lower in column.accepted
                and column.name not in mapping -%}
                {%- do mapping.update({column.name: header}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}

    {%- set missing = wanted | rejectattr("name", "in", mapping) | list -%}
    {%- if missing | length == wanted | length -%}
        {{ exceptions.raise_compiler_error(
            customer_input_label() ~ ": no header row with the expected columns"
            ~ " (found " ~ (found | join(", ")) ~ "; expected "
            ~ (wanted | map(attribute="header") | join(", ")) ~ ")"
        ) }}
    {%- elif missing -%}
        {{ exceptions.raise_compiler_error(
            customer_input_label() ~ ": required column '"
            ~ (missing[0].label or missing[0].header) ~ "' is missing (found "
            ~ (found | join(", ")) ~ ")"
        ) }}
    {%- endif -%}
    {{ return(mapping) }}
{%- endmacro %}
