{#- Order lines: sales per calendar month. A month holds the lines dated in
    it, so a return counts in the month it was made, which need not be the
    month of the sale it undoes. Rejected lines are left out. -#}

with

invoice_months as (

    -- The valid lines added up per customer, invoice and month: the grain
    -- the monthly sales mart counts from too.
    select * from {{ ref('int_customer_invoice_months') }}

),

monthly as (

    -- Sums of exact DECIMAL sums stay exact.
    select
        month_start as sales_month,
        cast(sum(sale_lines) as bigint) as sale_lines,
        count(distinct invoice_no) filter (where sale_lines > 0) as invoices,
        count(distinct customer_id) filter (
            where sale_lines > 0
        ) as active_customers,
        coalesce(sum(revenue), 0) as revenue,
        cast(sum(return_lines) as bigint) as return_lines,
        coalesce(sum(returned_value), 0) as returned_value

    from invoice_months
    group by month_start

),

final as (

    select
        sales_month,
        sale_lines,
        invoices,
        active_customers,
        cast(revenue as decimal(38, 6)) as revenue,
        -- Rounded half away from zero to 3 decimals, from the exact sum,
        -- as the customers' avg_order_value is.
        cast(
            {{ exact_quotient(
                "revenue", "invoices", numerator_scale=6, scale=3) }}
            as decimal(38, 3)
        ) as avg_order_value,
        return_lines,
        cast(returned_value as decimal(38, 6)) as returned_value,
        cast(revenue - returned_value as decimal(38, 6)) as net_revenue

    from monthly

)

select * from final
order by sales_month
