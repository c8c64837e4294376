{#- One row per segment and calendar month of the order lines, from the
    first line's month to the last's: active customers, invoices, revenue
    and returned value, for time-series visuals (0 in a month when the
    segment's customers bought nothing, so that a line chart does not join
    the months around it), and how many of the month's days the file
    covers, so that a month cut short by the file's first or last day does
    not read as a drop in sales. Built empty when the run has no order
    lines, so that Power BI always finds the same tables. -#}
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

    covered_days as (

        -- The days the valid lines cover: from the first line's day to the
        -- last's, returns included. Not to as_of_date, which may be set
        -- later (today's date, say) than the file runs.
        select
            min(first_line_at::date) as first_day,
            max(last_line_at::date) as last_day

        from customer_invoice_months

    ),

    months as (

        select calendar.month_start::date as month_start

        from covered_days
        cross join range(
            date_trunc('month', covered_days.first_day),
            covered_days.last_day + 1,
            interval 1 month
        ) as calendar (month_start)

    ),

    segments as (

        select distinct
            segment_id,
            segment_name

        from customer_segments

    ),

    segment_invoice_months as (

        select
            customer_segments.segment_id,
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
            -- numerics
            count(distinct customer_id) filter (where sale_lines > 0)
                as active_customers,
            count(distinct invoice_no) filter (where sale_lines > 0)
                as invoices,
            -- NULL without a sale (or return) line: 0 below.
            sum(revenue) as revenue,
            sum(returned_value) as returned_value,
            sum(sale_lines)::bigint as sale_lines,
            sum(return_lines)::bigint as return_lines,
            -- dates
            month_start

        from segment_invoice_months
        group by segment_id, month_start

    ),

    final as (

        select
            segments.segment_id,
            segments.segment_name,
            coalesce(monthly_sales.active_customers, 0) as active_customers,
            coalesce(monthly_sales.invoices, 0) as invoices,
            coalesce(monthly_sales.revenue, 0) as revenue,
            coalesce(monthly_sales.returned_value, 0) as returned_value,
            coalesce(monthly_sales.sale_lines, 0) as sale_lines,
            coalesce(monthly_sales.return_lines, 0) as return_lines,
            (
                least(last_day(months.month_start), covered_days.last_day)
                - greatest(months.month_start, covered_days.first_day)
                + 1
            )::integer as days_covered,
            days_covered < day(last_day(months.month_start))
                as is_partial_month,
            months.month_start

        from segments
        cross join months
        cross join covered_days
        left join monthly_sales
            on
                segments.segment_id = monthly_sales.segment_id
                and months.month_start = monthly_sales.month_start

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
