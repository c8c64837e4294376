{#- One row per input row: raw text kept for the rejects mart, typed values
    for everything downstream (NULL when missing or invalid). The input is
    the file named by `raw_customers_path` when it is set, else the seed. -#}

{%- if customer_file_path() is none -%}
    {%- set input_relation = ref('mall_customers') -%}
{%- else -%}
    {%- set input_relation = source('customer_file', 'customers') -%}
{%- endif -%}
{#- Staging column -> the input's column (macros/input_files.sql, where
    the file's checks are). -#}
{%- set input_columns = input_column_map("customers", input_relation) -%}
{%- set trimmed_columns = customer_input_column_names("_trimmed") -%}

with

source as (

    select * from {{ input_relation }}

),

numbered as materialized (

    -- Scan order is file order (DuckDB preserves insertion order). Numbering
    -- in that order reads the file on one thread; materializing here lets
    -- the cleaning below run on every core.
    select
        row_number() over () as source_row_number,
    {%- for column in customer_input_columns() %}
        cast({{ sql_identifier(input_columns[column.name]) }} as varchar)
            as {{ column.name }}_raw
        {{- "," if not loop.last }}
    {%- endfor %}

    from source

),

trimmed as (

    select
        *,
    {%- for column in customer_input_columns() %}
        {{ trimmed(column.name ~ "_raw") }} as {{ column.name }}_trimmed
        {{- "," if not loop.last }}
    {%- endfor %}

    from numbered

),

cleaned_text as (

    select
        * exclude ({{ trimmed_columns | join(", ") }}),
    {%- for column in customer_input_columns() %}
        {{ null_if_missing(column.name ~ "_trimmed") }}
            as {{ column.name }}_text
        {{- "," if not loop.last }}
    {%- endfor %}

    from trimmed

),

numbers as (

    -- Each numeric text cast once (NULL when it is not a number): the
    -- range checks below read the cast value several times.
    select
        *,
        -- Exact, so that 12.5 is not rounded to customer 13.
        {{ exact_id_number("customer_id_text") }} as customer_id_number,
        {{ try_cast_number("age_text", "double") }} as age_number,
        {{ try_cast_number("annual_income_k_text", "double") }}
            as annual_income_k_number,
        {{ try_cast_number("spending_score_text", "double") }}
            as spending_score_number

    from cleaned_text

),

typed as (

    select
        * exclude (
            customer_id_number,
            age_number,
            annual_income_k_number,
            spending_score_number
        ),
        -- 17850.0 is customer 17850.
        {{ id_from_text("customer_id_text", "customer_id_number") }}
            as customer_id,
        {{ normalise_gender("gender_text") }} as gender,
        {{ whole_number_in_range("age_number", 0, 120) }} as age,
        {{ decimal_at_least("annual_income_k_number", 0) }} as annual_income_k,
        {{ whole_number_in_range("spending_score_number", 1, 100) }}
            as spending_score

    from numbers

)

select * from typed
