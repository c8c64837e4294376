{#-
    The order-lines vars, checked on-run-start (dbt_project.yml) like the
    clustering vars, so a bad value stops the build before any model runs.
-#}

{% macro non_product_stock_codes() -%}
    {#- The stock codes that are not products, upper-cased: the cleaning
        rule non_product_line compares stock codes upper-case. -#}
    {%- set raw = var("non_product_stock_codes") -%}
    {%- set allowed = "a list of stock codes, each a non-empty text" -%}
    {%- if raw is string or raw is mapping or raw is not iterable -%}
        {{ _var_error("non_product_stock_codes", raw, allowed) }}
    {%- endif -%}
    {%- set codes = [] -%}
    {%- for code in raw -%}
        {%- if code is not string or not code.strip() -%}
            {{ _var_error("non_product_stock_codes", raw, allowed) }}
        {%- endif -%}
        {%- do codes.append(code.strip().upper()) -%}
    {%- endfor -%}
    {{ return(codes) }}
{%- endmacro %}

{% macro rfm_as_of_date() -%}
    {#- The var as_of_date as 'YYYY-MM-DD' text, or none when unset (RFM
        then measures from the day after the latest sale line). -#}
    {%- set raw = var("as_of_date") -%}
    {%- if raw is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set allowed = "null (the day after the latest sale line) or a date"
        ~ " written YYYY-MM-DD, before the year 9999" -%}
    {#- YAML reads an unquoted 2011-12-10 as a date, and 2011-12-10
        10:00:00 as a datetime; their text is as written, and messages
        show it, as JSON cannot hold either. -#}
    {%- set text = raw | string -%}
    {%- set shown = text if raw.isoformat is defined else raw -%}
    {%- set parts = modules.re.fullmatch("(\d{4})-(\d{2})-(\d{2})", text) -%}
    {%- if not parts -%}
        {{ _var_error("as_of_date", shown, allowed) }}
    {%- endif -%}
    {%- set year = parts.group(1) | int -%}
    {%- set month = parts.group(2) | int -%}
    {%- set day = parts.group(3) | int -%}
    {#- 9999 is the usual placeholder for "no date", as on the lines
        (invalid_invoice_date). -#}
    {%- if year < 1 or year > 9998 or month < 1 or month > 12 or day < 1 -%}
        {{ _var_error("as_of_date", shown, allowed) }}
    {%- endif -%}
    {%- set first_of_month = modules.datetime.date(year, month, 1) -%}
    {%- set first_of_next = (first_of_month
        + modules.datetime.timedelta(days=32)).replace(day=1) -%}
    {%- if day > (first_of_next - first_of_month).days -%}
        {{ _var_error("as_of_date", shown, allowed) }}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}

{% macro rfm_as_of_date_sql() -%}
    {#- The var as_of_date as a SQL date, or null when unset. -#}
    {%- set as_of_date = rfm_as_of_date() -%}
    {{ return("date " ~ sql_literal(as_of_date) if as_of_date else "null") }}
{%- endmacro %}

{% macro slash_date_order() -%}
    {#- month_first or day_first: how an InvoiceDate with slashes is read. -#}
    {%- set raw = var("slash_date_order") -%}
    {%- if raw not in ["month_first", "day_first"] -%}
        {{ _var_error("slash_date_order", raw,
            "month_first (12/1/2010 is 1 December, as in UCI's export) or"
            ~ " day_first (1/12/2010 is 1 December)"
        ) }}
    {%- endif -%}
    {{ return(raw) }}
{%- endmacro %}

{% macro slash_date_formats() -%}
    {#- The strptime formats of an InvoiceDate with slashes, as a SQL list:
        day and month in the order slash_date_order says, then year first
        (2010/12/01, as East Asian locales write dates), tried only when
        the others fail. -#}
    {%- set date = "%m/%d/%Y" if slash_date_order() == "month_first"
        else "%d/%m/%Y" -%}
    {%- set formats = [] -%}
    {%- for day in [date, "%Y/%m/%d"] -%}
        {%- for time in ["%H:%M", "%H:%M:%S"] -%}
            {%- do formats.append("'" ~ day ~ " " ~ time ~ "'") -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return("[" ~ formats | join(", ") ~ "]") }}
{%- endmacro %}

{% macro order_lines_currency() -%}
    {#- The var currency: the unit of the order lines' amounts as the
        figures write it; none when unset or when the run reads no order
        lines. A store sets it once in dbt_project.yml, so a run on its
        customer file alone (or on the bundled data) checks it but records
        none. -#}
    {%- set raw = var("currency") -%}
    {%- if raw is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if raw is not string or not raw.strip() or raw != raw.strip()
        or raw | length > 10 or not raw.isprintable() -%}
        {{ _var_error("currency", raw,
            "null (no unit shown) or the currency as the figures should"
            ~ " write it, 1 to 10 printable characters without spaces at"
            ~ " either end, such as £ or GBP"
        ) }}
    {%- endif -%}
    {{ return(raw if order_lines_file_path() is not none else none) }}
{%- endmacro %}

{% macro validate_order_lines_vars() -%}
    {%- if execute -%}
        {#- Its path: check_input_path_vars (macros/input_files.sql). -#}
        {%- do non_product_stock_codes() -%}
        {%- do slash_date_order() -%}
        {%- do order_lines_currency() -%}
        {%- set as_of_date = rfm_as_of_date() -%}
        {#- Without order lines it would date nothing: likely a forgotten
            raw_transactions_path. -#}
        {%- if as_of_date is not none and order_lines_file_path() is none -%}
            {{ _var_error("as_of_date", as_of_date,
                "null without an order-lines file (as_of_date needs"
                ~ " raw_transactions_path)"
            ) }}
        {%- endif -%}
        {%- if slash_date_order() != "month_first"
            and order_lines_file_path() is none -%}
            {{ _var_error("slash_date_order", slash_date_order(),
                "month_first without an order-lines file (slash_date_order"
                ~ " reads the dates of raw_transactions_path)"
            ) }}
        {%- endif -%}
    {%- endif -%}
    {#- A hook must render to SQL; this one has nothing to run. -#}
    select 1 as order_lines_vars_checked
{%- endmacro %}
