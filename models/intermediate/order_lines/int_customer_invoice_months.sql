{#- One row per customer, invoice and calendar month with a valid order
    line (a sale or a return line): its line counts, amounts and first and
    last sale. The one pass over every line that the RFM features
    (int_customer_rfm) and the monthly sales (segment_monthly_sales) need:
    both add these rows up, one per customer and one per segment and month,
    and an invoice is the finest grain either counts. The post-hook refuses
    order lines without a single sale line, saying why. -#}
{{ config(post_hook="{{ check_order_lines_have_sales() }}") }}

with

validated_lines as (

    select * from {{ ref('int_order_lines_validated') }}

),

valid_lines as (

    select *
    from validated_lines
    where is_sale_line or is_return_line

),

invoice_months as (

    -- Amounts are DECIMAL sums: exact, whatever the order of addition, so
    -- adding these rows up again gives the sums over the lines.
    select
        customer_id,
        invoice_no,
        cast(date_trunc('month', invoice_date) as date) as month_start,
        count(*) filter (where is_sale_line) as sale_lines,
        count(*) filter (where is_return_line) as return_lines,
        sum(line_amount) filter (where is_sale_line) as revenue,
        sum(-line_amount) filter (where is_return_line) as returned_value,
        min(invoice_date) filter (where is_sale_line) as first_sale_at,
        max(invoice_date) filter (where is_sale_line) as last_sale_at,
        min(invoice_date) as first_line_at,
        max(invoice_date) as last_line_at

    from valid_lines
    group by customer_id, invoice_no, month_start

),

final as (

    select
        -- ids
        customer_id,
        invoice_no,
        -- numerics
        sale_lines,
        return_lines,
        cast(revenue as decimal(38, 6)) as revenue,
        cast(returned_value as decimal(38, 6)) as returned_value,
        -- dates and timestamps
        month_start,
        first_sale_at,
        last_sale_at,
        first_line_at,
        last_line_at

    from invoice_months

)

select * from final
