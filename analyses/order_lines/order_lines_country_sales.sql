{#- Order lines: sales per country, largest revenue first. A customer whose
    lines name two countries counts in both, so the customer counts add up
    to more than the number of customers. -#}

with

validated_lines as (

    select * from {{ ref('int_order_lines_validated') }}

),

valid_lines as (

    select *
    from validated_lines
    where is_sale_line or is_return_line

),

by_country as (

    select
        country,
        count(distinct customer_id) filter (where is_sale_line) as customers,
        count(distinct invoice_no) filter (where is_sale_line) as invoices,
        count(*) filter (where is_sale_line) as sale_lines,
        coalesce(sum(line_amount) filter (where is_sale_line), 0) as revenue,
        coalesce(
            sum(-line_amount) filter (where is_return_line), 0
        ) as returned_value

    from valid_lines
    group by country

),

final as (

    select
        country,
        customers,
        invoices,
        sale_lines,
        cast(revenue as decimal(38, 6)) as revenue,
        revenue / sum(revenue) over () as revenue_share,
        -- Rounded half away from zero to 3 decimals, from the exact sum,
        -- as the customers' avg_order_value is.
        cast(
            {{ exact_quotient(
                "revenue", "invoices", numerator_scale=6, scale=3) }}
            as decimal(38, 3)
        ) as avg_order_value,
        cast(returned_value as decimal(38, 6)) as returned_value

    from by_country

)

select * from final
order by revenue desc, country asc
