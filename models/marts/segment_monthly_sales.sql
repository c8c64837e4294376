{#- One row per segment and calendar month with order lines of its
    customers: active customers, invoices, revenue and returned value, for
    time-series visuals. Built empty when the run has no order lines, so
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

    )
{%- else %}

    monthly_sales as (

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
            null::date as month_start

        from customer_segments
        where false

    )
{%- endif %}

select * from monthly_sales
