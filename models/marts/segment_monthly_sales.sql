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

    validated_lines as (

        select * from {{ ref('int_order_lines_validated') }}

    ),

    segment_lines as (

        select
            customer_segments.segment_id,
            customer_segments.segment_name,
            validated_lines.customer_id,
            validated_lines.invoice_no,
            validated_lines.line_amount,
            validated_lines.is_sale_line,
            validated_lines.is_return_line,
            date_trunc('month', validated_lines.invoice_date)::date
                as month_start

        from validated_lines
        inner join customer_segments
            on validated_lines.customer_id = customer_segments.customer_id
        where validated_lines.is_sale_line or validated_lines.is_return_line

    ),

    monthly_sales as (

        select
            -- ids
            segment_id,
            -- strings
            segment_name,
            -- numerics
            count(distinct customer_id) filter (where is_sale_line)
                as active_customers,
            count(distinct invoice_no) filter (where is_sale_line) as invoices,
            -- DECIMAL sums: exact to the cent.
            coalesce(sum(line_amount) filter (where is_sale_line), 0)
                as revenue,
            coalesce(sum(-line_amount) filter (where is_return_line), 0)
                as returned_value,
            count(*) filter (where is_sale_line) as sale_lines,
            count(*) filter (where is_return_line) as return_lines,
            -- dates
            month_start

        from segment_lines
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
            null::decimal(38, 3) as revenue,
            null::decimal(38, 3) as returned_value,
            null::bigint as sale_lines,
            null::bigint as return_lines,
            null::date as month_start

        from customer_segments
        where false

    )
{%- endif %}

select * from monthly_sales
