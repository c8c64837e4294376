{#- The order-lines file named by `raw_transactions_path`, loaded once into
    DuckDB in file order, its eight values kept as read. A table, so that
    the file is parsed once and every later step reads these compressed
    columns. The lines are not numbered here: DuckDB keeps a table's rows in
    insertion order, also when it reads the file on every core, so a row's
    position (`rowid`) is its line's place in the file; stg_order_lines
    turns it into the line number. Numbering while reading
    (`row_number() over ()`) would keep the load on one thread: 15.7 s
    instead of 9.1 s for 10M lines here. The post-hook refuses a file with
    a malformed line, no data rows or dates the other way round from
    slash_date_order (macros/check_input_files.sql). It runs inside the
    build's transaction, so a refused file is rolled back and the last good
    load stays in place. -#}
{{ config(post_hook="{{ check_input_rows_read('order_lines') }}") }}

{%- set input_relation = source('order_lines_file', 'order_lines') -%}
{#- Staging column -> the input's column (macros/input_files.sql, where
    the file's checks are). -#}
{%- set input_columns = input_column_map("order_lines", input_relation) -%}

with

source as (

    select * from {{ input_relation }}

),

renamed as (

    select
    {%- for column in order_line_input_columns() %}
            cast({{ sql_identifier(input_columns[column.name]) }} as varchar)
                as {{ column.name }}_raw
            {{- "," if not loop.last }}
    {%- endfor %}

    from source

)

select * from renamed
