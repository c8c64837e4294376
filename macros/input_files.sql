{#-
    The input files: the customer file (var `raw_customers_path`, else the
    bundled seed) and the order-lines file (var `raw_transactions_path`).
    Each is a dbt source (models/staging/_staging__sources.yml) that DuckDB
    reads in place with every column as text, and each is described here by
    a catalogue of its columns and a label for messages.

    A file that cannot be used stops the build with a one-line message naming
    the file and the problem (_refuse_input), before any mart is touched.
    Both inputs go through the same numbered steps, one macro each
    (macros/check_input_files.sql).
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

{% macro order_line_input_columns() -%}
    {#- The UCI "Online Retail" headers, the "Online Retail II" ones
        (Invoice, Price, Customer ID) and the snake_case names. -#}
    {{ return([
        {"name": "invoice_no", "header": "InvoiceNo",
         "label": "InvoiceNo (or Invoice)",
         "accepted": ["invoiceno", "invoice", "invoice_no"]},
        {"name": "stock_code", "header": "StockCode",
         "accepted": ["stockcode", "stock_code"]},
        {"name": "description", "header": "Description",
         "accepted": ["description"]},
        {"name": "quantity", "header": "Quantity",
         "accepted": ["quantity"]},
        {"name": "invoice_date", "header": "InvoiceDate",
         "accepted": ["invoicedate", "invoice_date"]},
        {"name": "unit_price", "header": "UnitPrice",
         "label": "UnitPrice (or Price)",
         "accepted": ["unitprice", "price", "unit_price"]},
        {"name": "customer_id", "header": "CustomerID",
         "label": "CustomerID (or Customer ID)",
         "accepted": ["customerid", "customer id", "customer_id"]},
        {"name": "country", "header": "Country",
         "accepted": ["country"]},
    ]) }}
{%- endmacro %}

{% macro input_files() -%}
    {#- Per input: the var naming its file, its column catalogue, how
        messages name it when no file is given, and what null means. -#}
    {{ return({
        "customers": {
            "var": "raw_customers_path",
            "columns": customer_input_columns(),
            "default_label": "seed mall_customers (seeds/mall_customers.csv)",
            "without_file": "the bundled seed",
        },
        "order_lines": {
            "var": "raw_transactions_path",
            "columns": order_line_input_columns(),
            "default_label": "no order-lines file",
            "without_file": "no order lines",
        },
    }) }}
{%- endmacro %}

{% macro input_column_names(input_name, suffix) -%}
    {#- Each staging column's name followed by suffix, e.g. "_raw". -#}
    {%- set names = [] -%}
    {%- for column in input_files()[input_name].columns -%}
        {%- do names.append(column.name ~ suffix) -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}

{% macro customer_input_column_names(suffix) -%}
    {{ return(input_column_names("customers", suffix)) }}
{%- endmacro %}

{% macro input_file_source(input_name) -%}
    {#- The dbt source that reads the input's file (models/staging/
        _staging__sources.yml); only when a file is given. -#}
    {{ return(
        source("customer_file", "customers") if input_name == "customers"
        else source("order_lines_file", "order_lines")
    ) }}
{%- endmacro %}

{% macro input_file_path(input_name) -%}
    {#- The var as given: an empty path is a given path, which
        check_input_path_vars refuses, as the configs that enable the
        file's source and models treat it (dbt_project.yml). -#}
    {{ return(var(input_files()[input_name].var)) }}
{%- endmacro %}

{% macro check_input_path_vars() -%}
    {#- Run on-run-start (validate_segmentation_vars), and by
        input_column_map in commands without hooks: each input's var is
        null or a file's path. -#}
    {%- for input in input_files().values() -%}
        {%- set path = var(input.var) -%}
        {%- if path is not none and (path is not string or not path.strip()) -%}
            {{ _var_error(
                input.var, path,
                "null (" ~ input.without_file ~ ") or the path of a CSV,"
                ~ " .csv.gz or Parquet file"
            ) }}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}

{% macro customer_file_path() -%}
    {{ return(input_file_path("customers")) }}
{%- endmacro %}

{% macro order_lines_file_path() -%}
    {{ return(input_file_path("order_lines")) }}
{%- endmacro %}

{% macro given_inputs() -%}
    {#- Which inputs this run segments: customer profiles (a customer file,
        or the bundled seed when no file at all is given), order lines (an
        order-lines file), or both, joined on customer id. -#}
    {%- set inputs = [] -%}
    {%- if customer_file_path() is not none
        or order_lines_file_path() is none -%}
        {%- do inputs.append("customer_profiles") -%}
    {%- endif -%}
    {%- if order_lines_file_path() is not none -%}
        {%- do inputs.append("order_lines") -%}
    {%- endif -%}
    {{ return(inputs) }}
{%- endmacro %}

{% macro customer_rows_name() -%}
    {#- What the build's messages call the rows it segments: the rows of
        the customer file (or seed), or with order lines alone their
        customers with a valid line. -#}
    {{ return("customer rows" if "customer_profiles" in given_inputs()
        else "customers of the order lines") }}
{%- endmacro %}

{% macro input_label(input_name) -%}
    {#- How messages and the run summary name the input. -#}
    {{ return(
        input_file_path(input_name) or input_files()[input_name].default_label
    ) }}
{%- endmacro %}

{% macro customer_input_label() -%}
    {{ return(input_label("customers")) }}
{%- endmacro %}

{% macro _refuse_input(input_name, problem) -%}
    {{ exceptions.raise_compiler_error(_unusable_input(input_name, problem)) }}
{%- endmacro %}

{% macro _unusable_input(input_name, problem) -%}
    {#- "Unusable input <the file>: <problem>", on one line. -#}
    {{ return("Unusable input " ~ input_label_shown(input_name) ~ ": " ~ problem) }}
{%- endmacro %}

{% macro input_label_shown(input_name) -%}
    {#- input_label as messages show it. A path with a line break or a tab
        (pasted with its line end) is quoted, with the break escaped: the
        message stays one line, and the stray character shows. So is one
        with a space at either end, which would not show otherwise. -#}
    {%- set label = input_label(input_name) -%}
    {%- set escaped = label | replace("\n", "\\n") | replace("\r", "\\r")
        | replace("\t", "\\t") -%}
    {%- if escaped != label or label != label.strip() -%}
        {{ return('"' ~ escaped ~ '"') }}
    {%- endif -%}
    {{ return(label) }}
{%- endmacro %}

{% macro _is_parquet(path) -%}
    {{ return(path.lower().endswith(".parquet")) }}
{%- endmacro %}

{% macro _first_value(sql) -%}
    {{ return(run_query(sql).columns[0].values()[0]) }}
{%- endmacro %}

{% macro _header_map(input_name, headers, shown) -%}
    {#- Staging column name -> the input's header for it; refuses the file
        when a required column is missing. -#}
    {%- set wanted = input_files()[input_name].columns -%}
    {%- set mapping = {} -%}
    {%- for column in wanted -%}
        {%- set matches = [] -%}
        {%- for header in headers -%}
            {#- A second byte order mark is the start of the first cell,
                to DuckDB's reader and Python's csv module alike: a quote
                after it is part of the name they read. -#}
            {%- set name = header | replace("\ufeff", "") | trim -%}
            {%- if name | length > 1 and name[0] == '"' and name[-1] == '"' -%}
                {%- set name = name[1:-1] | trim -%}
            {%- endif -%}
            {%- if name | lower in column.accepted -%}
                {%- do matches.append(header) -%}
            {%- endif -%}
        {%- endfor -%}
        {#- Price and UnitPrice side by side: taking either would be a
            guess. -#}
        {%- if matches | length > 1 -%}
            {%- set two = matches | length == 2 -%}
            {{ _refuse_input(input_name,
                "columns '" ~ matches[:-1] | join("', '") ~ "' and '"
                ~ matches[-1] ~ "' are " ~ ("both " if two else "all ")
                ~ (column.label or column.header)
                ~ "; keep one of them, or rename the other"
                ~ ("" if two else "s")
            ) }}
        {%- endif -%}
        {%- if matches -%}
            {%- do mapping.update({column.name: matches[0]}) -%}
        {%- endif -%}
    {%- endfor -%}

    {%- set missing = wanted | rejectattr("name", "in", mapping) | list -%}
    {%- set expected = [] -%}
    {%- for column in wanted -%}
        {%- do expected.append(column.label or column.header) -%}
    {%- endfor -%}
    {%- if missing | length == wanted | length -%}
        {#- A header with another separator is one cell to DuckDB's reader,
            whose delimiter is set to the comma. -#}
        {%- set separator = none if "," in shown
            else ("';'" if ";" in shown
            else ("tabs" if "\t" in shown else none)) -%}
        {{ _refuse_input(input_name,
            "no header row with the expected columns (first line: "
            ~ shown | truncate(120) ~ "; expected " ~ expected | join(", ")
            ~ ")" ~ ("; its values are separated by " ~ separator
            ~ ", and the file must use commas" if separator else "")
        ) }}
    {%- elif missing -%}
        {{ _refuse_input(input_name,
            "required column '" ~ (missing[0].label or missing[0].header)
            ~ "' is missing (found " ~ shown | truncate(120) ~ ")"
        ) }}
    {%- endif -%}
    {{ return(mapping) }}
{%- endmacro %}

{% macro _relation_columns(relation) -%}
    {{ return(
        run_query("describe select * from " ~ relation).columns[0].values()
        | list
    ) }}
{%- endmacro %}

{% macro input_column_map(input_name, relation) -%}
    {#- {staging column: input column} for the input's staging model, which
        reads the input as `relation` (its source, or the customer seed).
        Unit tests, and parsing, use the catalogue's own headers. A file's
        checks (steps 1-5) ran on-run-start in `dbt build` and `dbt run`
        (and in `dbt retry` of either, which runs the hooks again); the
        commands that compile the model without hooks (`dbt compile`, `dbt
        show`, `dbt docs generate`) check the file and its var here. -#}
    {%- set own_headers = input_files()[input_name].columns
        | map(attribute="header") | list -%}
    {%- if not execute or model.resource_type == "unit_test" -%}
        {{ return(_header_map(
            input_name, own_headers, own_headers | join(", ")
        )) }}
    {%- endif -%}

    {%- if input_file_path(input_name) is none -%}
        {#- The seed; not loaded yet when linting a fresh clone. -#}
        {%- set headers = adapter.get_columns_in_relation(relation)
            | map(attribute="name") | list or own_headers -%}
        {{ return(_header_map(input_name, headers, headers | join(", "))) }}
    {%- endif -%}

    {%- if flags.WHICH not in ["build", "run"] -%}
        {%- do check_input_path_vars() -%}
        {%- do check_input_file(input_name, relation) -%}
    {%- endif -%}
    {#- The columns as DuckDB's reader names them. -#}
    {%- set headers = _relation_columns(relation) -%}
    {{ return(_header_map(input_name, headers, headers | join(", "))) }}
{%- endmacro %}
