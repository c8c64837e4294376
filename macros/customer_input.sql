{#-
    Where the customer rows come from: the bundled seed by default, or the
    CSV / Parquet file named by the var `raw_customers_path`. Either way every
    column arrives as text, so one set of staging SQL cleans both.

    A file that cannot be used stops the build while stg_customers compiles,
    before any model downstream (and so any mart) is touched, with a one-line
    message naming the file and the problem.
-#}

{% macro customer_input_columns() -%}
    {#- Each staging column, the Mall header for it, and every header
        accepted for it (compared trimmed and case-insensitively). -#}
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

{% macro customer_input_column_names(suffix) -%}
    {#- Each staging column's name followed by suffix, e.g. "_raw". -#}
    {%- set names = [] -%}
    {%- for column in customer_input_columns() -%}
        {%- do names.append(column.name ~ suffix) -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}

{% macro customer_input_path() -%}
    {{ return(var("raw_customers_path") or none) }}
{%- endmacro %}

{% macro customer_input_label() -%}
    {#- How messages name the input. -#}
    {{ return(
        customer_input_path() or "seed mall_customers (seeds/mall_customers.csv)"
    ) }}
{%- endmacro %}

{% macro _unusable_input(problem) -%}
    {{ exceptions.raise_compiler_error(
        "Unusable input " ~ customer_input_label() ~ ": " ~ problem
    ) }}
{%- endmacro %}

{% macro _is_parquet(path) -%}
    {{ return(path.lower().endswith(".parquet")) }}
{%- endmacro %}

{% macro _csv_reader(path, headers, extra_options="") -%}
    {#- Dialect and columns fixed, never sniffed: every value stays text
        exactly as written, and a malformed line is reported, not guessed. -#}
    {%- set columns = [] -%}
    {%- for header in headers -%}
        {%- do columns.append(sql_literal(header) ~ ": 'varchar'") -%}
    {%- endfor -%}
    {{ return(
        "read_csv(" ~ sql_literal(path) ~ ", header = true, "
        ~ "auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
        ~ "columns = {" ~ columns | join(", ") ~ "}" ~ extra_options ~ ")"
    ) }}
{%- endmacro %}

{% macro _csv_file_headers(path) -%}
    {#- The first line, split on commas, without BOM, quotes or padding.
        Read as one text column so that no CSV parsing can fail here. -#}
    {%- set first_line = run_query(
        "select line from read_csv(" ~ sql_literal(path)
        ~ ", columns = {'line': 'varchar'}, header = false,"
        ~ " auto_detect = false, delim = chr(31), quote = '', escape = '',"
        ~ " ignore_errors = true) limit 1"
    ).columns[0].values() | list -%}
    {%- if not first_line or not first_line[0] or not first_line[0].strip() -%}
        {{ _unusable_input(
            "no header row (no readable text on the first line; is it a"
            ~ " UTF-8 CSV file?)"
        ) }}
    {%- endif -%}
    {%- set headers = [] -%}
    {%- for cell in first_line[0].split(",") -%}
        {%- do headers.append(cell.strip().strip('"').strip()) -%}
    {%- endfor -%}
    {{ return({"headers": headers, "shown": first_line[0].strip()}) }}
{%- endmacro %}

{% macro _headers_as_found(headers) -%}
    {{ return({"headers": headers, "shown": headers | join(", ")}) }}
{%- endmacro %}

{% macro _input_headers(path) -%}
    {#- {"headers": the input's column names, "shown": how to quote them in
        a message}. Stops the build on a missing or empty file. -#}
    {%- if path is none -%}
        {%- set headers = adapter.get_columns_in_relation(
            ref("mall_customers")
        )
            | map(attribute="name") | list -%}
        {#- The seed is not loaded yet (compiling or linting a fresh clone):
            assume its committed header. -#}
        {{ return(_headers_as_found(
            headers or customer_input_columns() | map(attribute="header") | list
        )) }}
    {%- endif -%}

    {%- set found = run_query(
        "select count(*) from glob(" ~ sql_literal(path) ~ ")"
    ).columns[0].values()[0] -%}
    {%- if found == 0 -%}
        {{ _unusable_input("file not found") }}
    {%- endif -%}
    {%- set size = run_query(
        "select size from read_blob(" ~ sql_literal(path) ~ ")"
    ).columns[0].values()[0] -%}
    {%- if size == 0 -%}
        {{ _unusable_input("the file is empty (0 bytes)") }}
    {%- endif -%}

    {%- if _is_parquet(path) -%}
        {{ return(_headers_as_found(run_query(
            "describe select * from read_parquet(" ~ sql_literal(path) ~ ")"
        ).columns[0].values() | list)) }}
    {%- endif -%}
    {{ return(_csv_file_headers(path)) }}
{%- endmacro %}

{% macro _expected_headers() -%}
    {%- set labels = [] -%}
    {%- for column in customer_input_columns() -%}
        {%- do labels.append(column.label or column.header) -%}
    {%- endfor -%}
    {{ return(labels | join(", ")) }}
{%- endmacro %}

{% macro _header_map(found) -%}
    {#- Staging column name -> the input's header for it. -#}
    {%- set headers = found.headers -%}
    {%- set wanted = customer_input_columns() -%}
    {%- set mapping = {} -%}
    {%- for column in wanted -%}
        {%- for header in headers -%}
            {%- if header | trim | lower in column.accepted
                and column.name not in mapping -%}
                {%- do mapping.update({column.name: header}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}

    {%- set missing = wanted | rejectattr("name", "in", mapping) | list -%}
    {%- set shown = found.shown | truncate(120) -%}
    {%- if missing | length == wanted | length -%}
        {{ _unusable_input(
            "no header row with the expected columns (first line: " ~ shown
            ~ "; expected " ~ _expected_headers() ~ ")"
        ) }}
    {%- elif missing -%}
        {{ _unusable_input(
            "required column '" ~ (missing[0].label or missing[0].header)
            ~ "' is missing (found " ~ shown ~ ")"
        ) }}
    {%- endif -%}
    {{ return(mapping) }}
{%- endmacro %}

{% macro _check_input_rows(path, headers) -%}
    {#- One full scan that counts data rows and records malformed lines. -#}
    {%- if _is_parquet(path) -%}
        {%- set rows = run_query(
            "select count(*) from read_parquet(" ~ sql_literal(path) ~ ")"
        ).columns[0].values()[0] -%}
    {%- else -%}
        {%- set rows = run_query(
            "select count(*) from "
            ~ _csv_reader(path, headers, ", store_rejects = true")
        ).columns[0].values()[0] -%}
        {%- set bad_lines = run_query(
            "select line, error_message from reject_errors"
            ~ " where scan_id = (select max(scan_id) from reject_scans)"
            ~ " order by line limit 1"
        ) -%}
        {%- if bad_lines.rows | length > 0 -%}
            {{ _unusable_input(
                "line " ~ bad_lines.rows[0][0] ~ " is not valid CSV ("
                ~ bad_lines.rows[0][1] ~ "); fix or remove that line"
            ) }}
        {%- endif -%}
    {%- endif -%}
    {%- if rows == 0 -%}
        {{ _unusable_input("the file has a header but no data rows") }}
    {%- endif -%}
{%- endmacro %}

{% macro checked_customer_input() -%}
    {#- Checks the input and returns {"relation": SQL to select from,
        "headers": staging column -> input header}. -#}
    {#- Always a dependency: the seed is the default input, and it is what
        unit tests replace with fixture rows. -#}
    {%- set seed = ref("mall_customers") -%}
    {%- set path = customer_input_path() -%}
    {%- set is_unit_test = model.resource_type == "unit_test" -%}
    {%- if not execute or is_unit_test -%}
        {#- Parsing, or fixture rows named like the Mall headers. -#}
        {%- set found = _headers_as_found(
            customer_input_columns() | map(attribute="header") | list
        ) -%}
    {%- else -%}
        {%- set found = _input_headers(path) -%}
    {%- endif -%}
    {%- set mapping = _header_map(found) -%}
    {%- set headers = found.headers -%}

    {%- if path is none or is_unit_test -%}
        {%- set relation = seed -%}
    {%- elif _is_parquet(path) -%}
        {%- set relation = "read_parquet(" ~ sql_literal(path) ~ ")" -%}
    {%- else -%}
        {%- set relation = _csv_reader(path, headers) -%}
    {%- endif -%}
    {%- if execute and path is not none and not is_unit_test -%}
        {%- do _check_input_rows(path, headers) -%}
    {%- endif -%}
    {{ return({"relation": relation, "headers": mapping}) }}
{%- endmacro %}
