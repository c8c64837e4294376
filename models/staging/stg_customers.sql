{#- One row per input row: raw text kept for the rejects mart, typed values
    for everything downstream (NULL when missing or invalid). -#}
{%- set input = checked_customer_input() -%}

with

source as (

    select * from {{ input.relation }}

),

numbered as (

    select
        -- Scan order is file order (DuckDB preserves insertion order).
        row_number() over () as source_row_number,
    {%- for column in customer_input_columns() %}
        cast("{{ input.headers[column.name] }}" as varchar)
            as {{ column.name }}_raw
        {{- "," if not loop.last }}
    {%- endfor %}

    from source

),

cleaned_text as (

    select
        *,
    {%- for column in customer_input_columns() %}
        {{ clean_text(column.name ~ "_raw") }}
            as {{ column.name }}_text
        {{- "," if not loop.last }}
    {%- endfor %}

    from numbered

),

typed as (

    select
        *,
        case
            when try_cast(customer_id_text as bigint) > 0
                then try_cast(customer_id_text as bigint)
        end as customer_id,
        {{ normalise_gender("gender_text") }} as gender,
        {{ parse_whole_number("age_text", 0, 120) }} as age,
        {{ parse_decimal("annual_income_k_text", 0) }} as annual_income_k,
        {{ parse_whole_number("spending_score_text", 1, 100) }}
            as spending_score

    from cleaned_text

)

select * from typed
