{#- Order lines: cancellations per calendar month. A cancellation is a valid
    return line: a negative quantity (in the Online Retail file all 8,506
    are on C invoices; a negative line on another invoice counts too). It
    counts in the month it was made, against that month's sales: a return
    of an earlier month's sale makes the share larger than that sale's own
    month would show. Cancelled lines rejected by a rule (no customer id,
    postage and discounts, copies) are left out, as they are from every
    other figure. -#}

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

    select
        sales_month,
        count(*) filter (where is_return_line) as return_lines,
        count(distinct invoice_no) filter (
            where is_return_line
        ) as cancelled_invoices,
        count(distinct customer_id) filter (
            where is_return_line
        ) as returning_customers,
        coalesce(
            sum(-quantity) filter (where is_return_line), 0
        ) as returned_quantity,
        coalesce(
            sum(-line_amount) filter (where is_return_line), 0
        ) as returned_value,
        count(*) filter (where is_sale_line) as sale_lines,
        coalesce(sum(line_amount) filter (where is_sale_line), 0) as revenue

    from valid_lines
    group by sales_month

),

final as (

    select
        sales_month,
        return_lines,
        cancelled_invoices,
        returning_customers,
        cast(returned_quantity as bigint) as returned_quantity,
        cast(returned_value as decimal(38, 6)) as returned_value,
        cast(revenue as decimal(38, 6)) as revenue,
        -- The month's returned value per pound of its sales.
        returned_value / nullif(revenue, 0) as returned_share_of_revenue,
        return_lines / nullif(sale_lines + return_lines, 0)
            as return_line_share

    from monthly

)

select * from final
order by sales_month
