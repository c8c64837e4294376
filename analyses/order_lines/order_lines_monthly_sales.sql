{#- Order lines: sales per calendar month. A month holds the lines dated in
    it, so a return counts in the month it was made, which need not be the
    month of the sale it undoes. Rejected lines are left out. -#}

with

validated_lines as (

    select * from {{ ref('int_order_lines_validated') }}

),

valid_lines as (

    select
        *,
        cast(date_trunc('month', invoice_date) as date) as sales_month

    from validated_lines
    where is_sale_line or is_return_line

),

monthly as (

    -- Amounts are DECIMAL sums: exact, whatever the order of addition.
    select
        sales_month,
        count(*) filter (where is_sale_line) as sale_lines,
        count(distinct invoice_no) filter (where is_sale_line) as invoices,
        count(distinct customer_id) filter (
            where is_sale_line
        ) as active_customers,
        coalesce(sum(line_amount) filter (where is_sale_line), 0) as revenue,
        count(*) filter (where is_return_line) as return_lines,
        coalesce(
            sum(-line_amount) filter (where is_return_line), 0
        ) as returned_value

    from valid_lines
    group by sales_month

),

final as (

    select
        sales_month,
        sale_lines,
        invoices,
        active_customers,
        cast(revenue as decimal(38, 6)) as revenue,
        -- A quotient is not exact: rounded to 3 decimals.
        cast(revenue / nullif(invoices, 0) as decimal(38, 3))
            as avg_order_value,
        return_lines,
        cast(returned_value as decimal(38, 6)) as returned_value,
        cast(revenue - returned_value as decimal(38, 6)) as net_revenue

    from monthly

)

select * from final
order by sales_month
