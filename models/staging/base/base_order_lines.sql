{#- The order-lines file named by `raw_transactions_path`, loaded once into
    DuckDB in file order: each line numbered, its eight values kept as read.
    A table, so that the file is parsed once: every later step reads these
    compressed columns on every core, where numbering while reading keeps a
    pass on one thread. The post-hook refuses a file with a malformed line
    or no data rows (macros/input_files.sql). -#}
{{ config(post_hook="{{ check_input_rows_read('order_lines') }}") }}

{%- set input_relation = source('order_lines_file', 'order_lines') -%}
{#- The header checks (macros/input_files.sql); staging column -> the
    input's column. -#}
{%- set input_columns = check_input_file("order_lines", input_relation) -%}

with

source as (

    select * from {{ input_relation }}

),

numbered as (

    -- Scan order is file order (DuckDB preserves insertion order).
    select
        row_number() over () as source_line_number,
    {%- for column in order_line_input_columns() %}
        cast("{{ input_columns[column.name] }}" as varchar)
            as {{ column.name }}_raw
        {{- "," if not loop.last }}
    {%- endfor %}

    from source

)

select * from numbered
