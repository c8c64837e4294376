{#- Every order line with the single reason it is rejected, or marked as a
    sale line (quantity > 0) or a return line (quantity < 0). The rules and
    their order are in macros/reject_reasons.sql (input "order_lines"). A
    view: its readers each take a few of its columns, and writing every
    line once more would cost more than cleaning them again on read. -#}
{{ config(materialized="view") }}
{%- set columns = order_line_input_columns() -%}

with

order_lines as (

    select * from {{ ref('stg_order_lines') }}

),

line_copies as (

    select * from {{ ref('int_order_line_copies') }}

),

flagged as (

    select
        order_lines.*,
        line_copies.first_copy_line_number,
        cast({{ rfm_as_of_date_sql() }} as date) as as_of_date,
        starts_with(order_lines.invoice_no, 'C') as is_cancellation_invoice,
        coalesce(
            order_lines.stock_code in (
                {%- for code in non_product_stock_codes() -%}
                    {{ sql_literal(code) }}{{ ", " if not loop.last }}
                {%- endfor -%}
            ),
            false
        ) as is_non_product_stock_code

    from order_lines
    left join line_copies
        on order_lines.source_line_number = line_copies.source_line_number

),

reasons as (

    -- The rules, their order and their wording: macros/reject_reasons.sql.
    select
        *,
        {{ assign_reject_reason("order_lines") }} as reject_reason

    from flagged

),

explained as (

    select
        *,
        {{ reject_detail("order_lines", "reject_reason") }} as reject_detail,
        reject_reason is null and quantity > 0 as is_sale_line,
        reject_reason is null and quantity < 0 as is_return_line

    from reasons

),

final as (

    -- Raw values are kept where they explain a rejection; a valid line's
    -- values are in the typed columns.
    select
        -- ids
        source_line_number,
        customer_id,
        invoice_no,
        stock_code,
        first_copy_line_number,
        -- strings
        reject_reason,
        reject_detail,
        description,
        country,
        -- numerics
        quantity,
        unit_price,
        -- Exact: a whole quantity times a price with 6 decimals is a
        -- DECIMAL with 6 decimals, and so are its sums.
        quantity * unit_price as line_amount,
        -- booleans
        is_sale_line,
        is_return_line,
        is_cancellation_invoice,
        -- timestamps
        invoice_date,
        as_of_date,
        -- the raw text, for rejected lines only
    {%- for column in columns %}
        case
            when reject_reason is not null then {{ column.name }}_raw
        end as {{ column.name }}_raw
        {{- "," if not loop.last }}
    {%- endfor %}

    from explained

)

select * from final
