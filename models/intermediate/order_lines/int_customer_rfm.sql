{#- One row per customer with at least one valid order line (a sale or a
    return line): the RFM features. A customer whose valid lines are all
    returns bought nothing: frequency and spend 0, recency, tenure and
    average order value NULL (there is no sale to date or divide by), and
    int_customers_joined rejects them (no_purchases) when a clustering
    feature comes from the order lines. The quintile scores rank only the
    segmented customers, so int_customers_joined gives them. -#}

with

invoice_months as (

    select * from {{ ref('int_customer_invoice_months') }}

),

reference_day as (

    -- The var as_of_date, or the calendar day after the latest sale line.
    select
        coalesce(
            {{ rfm_as_of_date_sql() }},
            cast(max(last_sale_at) as date) + 1
        ) as as_of_date

    from invoice_months

),

customer_lines as (

    -- The sums of exact DECIMAL sums stay exact.
    select
        customer_id,
        cast(sum(sale_lines) as bigint) as sale_lines,
        cast(sum(return_lines) as bigint) as return_lines,
        count(distinct invoice_no) filter (where sale_lines > 0) as frequency,
        coalesce(sum(revenue), 0) as monetary,
        coalesce(sum(returned_value), 0) as returned_value,
        min(first_sale_at) as first_sale_at,
        max(last_sale_at) as last_sale_at

    from invoice_months
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
        -- Rounded half away from zero to 3 decimals, from the exact sum.
        cast(
            {{ exact_quotient(
                "measured.monetary", "measured.frequency",
                numerator_scale=6, scale=3) }}
            as decimal(38, 3)
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
