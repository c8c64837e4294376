{#- One row per segment and calendar month with order lines of its
    customers: active customers, invoices, revenue and returned value, for
    time-series visuals, and how many of the month's days the file covers,
    so that a month cut short by the file's first or last day does not read
    as a drop in sales. Built empty when the run has no order lines, so
    that Power BI always finds the same tables. -#}
{%- set with_order_lines = order_lines_file_path() is not none %}

with

customer_segments as (

    select * from {{ ref('customer_segments') }}

),
{%- if with_order_lines %}

    customer_invoice_months as (

        -- One row per customer, invoice and month: the distinct counts
        -- below run over these rows, not over every line.
        select * from {{ ref('int_customer_invoice_months') }}

    ),

    customer_rfm as (

        select * from {{ ref('int_customer_rfm') }}

    ),

    covered_days as (

        -- The days the sale lines cover: from the first sale line's day to
        -- the last's. Not to as_of_date, which may be set later (today's
        -- date, say) than the file runs.
        select
            min(first_sale_at::date) as first_day,
            max(last_sale_at::date) as last_day

        from customer_rfm

    ),

    segment_invoice_months as (

        select
            customer_segments.segment_id,
            customer_segments.segment_name,
            customer_invoice_months.*

        from customer_invoice_months
        inner join customer_segments
            on
                customer_invoice_months.customer_id
                = customer_segments.customer_id

    ),

    monthly_sales as (

        select
            -- ids
            segment_id,
            -- strings
            segment_name,
            -- numerics
            count(distinct customer_id) filter (where sale_lines > 0)
                as active_customers,
            count(distinct invoice_no) filter (where sale_lines > 0)
                as invoices,
            coalesce(sum(revenue), 0) as revenue,
            coalesce(sum(returned_value), 0) as returned_value,
            sum(sale_lines)::bigint as sale_lines,
            sum(return_lines)::bigint as return_lines,
            -- dates
            month_start

        from segment_invoice_months
        group by segment_id, segment_name, month_start

    ),

    final as (

        select
            monthly_sales.segment_id,
            monthly_sales.segment_name,
            monthly_sales.active_customers,
            monthly_sales.invoices,
            monthly_sales.revenue,
            monthly_sales.returned_value,
            monthly_sales.sale_lines,
            monthly_sales.return_lines,
            -- 0 for a month with only return lines, outside the sales' span.
            greatest(
                least(
                    last_day(monthly_sales.month_start), covered_days.last_day
                )
                - greatest(monthly_sales.month_start, covered_days.first_day)
                + 1,
                0
            )::integer as days_covered,
            days_covered < day(last_day(monthly_sales.month_start))
                as is_partial_month,
            monthly_sales.month_start

        from monthly_sales
        cross join covered_days

    )
{%- else %}

    final as (

        -- No order lines: the columns, and no rows.
        select
            segment_id,
            segment_name,
            null::bigint as active_customers,
            null::bigint as invoices,
            null::decimal(38, 6) as revenue,
            null::decimal(38, 6) as returned_value,
            null::bigint as sale_lines,
            null::bigint as return_lines,
            null::integer as days_covered,
            null::boolean as is_partial_month,
            null::date as month_start

        from customer_segments
        where false

    )
{%- endif %}

select * from final
