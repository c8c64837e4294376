{#- One row per customer with at least one valid order line (a sale or a
    return line): the RFM features. A customer whose valid lines are all
    returns has no recency, frequency or spend: those are NULL, and
    int_customers_joined rejects them (no_purchases) when a clustering
    feature comes from the order lines. The quintile scores rank only the
    segmented customers, so int_customers_joined gives them. -#}
{%- set as_of_date = rfm_as_of_date() -%}

with

validated_lines as (

    select * from {{ ref('int_order_lines_validated') }}

),

valid_lines as (

    select *
    from validated_lines
    where is_sale_line or is_return_line

),

reference_day as (

    -- The var as_of_date, or the calendar day after the latest sale line.
    select
        coalesce(
            {{ "date " ~ sql_literal(as_of_date) if as_of_date else "null" }},
            cast(max(invoice_date) as date) + 1
        ) as as_of_date

    from valid_lines
    where is_sale_line

),

customer_lines as (

    -- Amounts are DECIMAL sums: exact, whatever the order of addition.
    select
        customer_id,
        count(*) filter (where is_sale_line) as sale_lines,
        count(*) filter (where is_return_line) as return_lines,
        count(distinct invoice_no) filter (where is_sale_line) as frequency,
        sum(line_amount) filter (where is_sale_line) as monetary,
        coalesce(
            sum(-line_amount) filter (where is_return_line), 0
        ) as returned_value,
        min(invoice_date) filter (where is_sale_line) as first_sale_at,
        max(invoice_date) filter (where is_sale_line) as last_sale_at

    from valid_lines
    group by customer_id

),

measured as (

    select
        customer_lines.*,
        reference_day.as_of_date,
        customer_lines.sale_lines > 0 as has_purchases,
        -- Calendar days: a date minus a date.
        reference_day.as_of_date - cast(customer_lines.last_sale_at as date)
            as recency_days,
        reference_day.as_of_date - cast(customer_lines.first_sale_at as date)
            as tenure_days

    from customer_lines
    cross join reference_day

),

final as (

    select
        -- ids
        measured.customer_id,
        -- numerics
        measured.recency_days,
        measured.frequency,
        cast(measured.monetary as decimal(38, 6)) as monetary,
        measured.tenure_days,
        -- A quotient is not exact: rounded to 3 decimals.
        cast(
            measured.monetary / measured.frequency as decimal(38, 3)
        ) as avg_order_value,
        cast(measured.returned_value as decimal(38, 6)) as returned_value,
        measured.sale_lines,
        measured.return_lines,
        -- booleans
        measured.has_purchases,
        -- dates and timestamps
        measured.as_of_date,
        measured.first_sale_at,
        measured.last_sale_at

    from measured

)

select * from final
