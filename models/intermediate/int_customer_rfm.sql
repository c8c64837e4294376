{#- One row per customer with at least one valid order line (a sale or a
    return line): the RFM features, the quintile scores and the marketing
    segment. A customer whose valid lines are all returns has no recency,
    frequency or spend: their features and scores are NULL, and
    int_customers_joined rejects them (no_purchases) when a clustering
    feature comes from the order lines. -#}
{%- set as_of_date = rfm_as_of_date() -%}

with

validated_lines as (

    select * from {{ ref('int_order_lines_validated') }}

),

segment_map as (

    select * from {{ ref('stg_rfm_segments') }}

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

scored as (

    -- Quintiles over the customers with a sale line: ntile(5) cuts the
    -- ranking into five groups as equal as possible (the lower groups get
    -- the one extra customer). Equal values are ranked by customer_id, so
    -- the lower id gets the lower score. 5 is most recent, most frequent,
    -- highest spend.
    select
        *,
        case when has_purchases then ntile(5) over (
            partition by has_purchases
            order by recency_days desc, customer_id asc
        ) end as r_score,
        case when has_purchases then ntile(5) over (
            partition by has_purchases
            order by frequency, customer_id
        ) end as f_score,
        case when has_purchases then ntile(5) over (
            partition by has_purchases
            order by monetary, customer_id
        ) end as m_score

    from measured

),

fm_scored as (

    select
        *,
        -- The frequency-and-spend score of the segment map: the mean of the
        -- two scores, halves rounded up.
        (f_score + m_score + 1) // 2 as fm_score

    from scored

),

final as (

    select
        -- ids
        fm_scored.customer_id,
        -- strings
        segment_map.rfm_segment,
        -- numerics
        fm_scored.recency_days,
        fm_scored.frequency,
        cast(fm_scored.monetary as decimal(38, 3)) as monetary,
        fm_scored.tenure_days,
        -- Division leaves DECIMAL: rounded to the 3 decimals of the prices.
        cast(
            fm_scored.monetary / fm_scored.frequency as decimal(38, 3)
        ) as avg_order_value,
        cast(fm_scored.returned_value as decimal(38, 3)) as returned_value,
        fm_scored.r_score,
        fm_scored.f_score,
        fm_scored.m_score,
        fm_scored.fm_score,
        fm_scored.sale_lines,
        fm_scored.return_lines,
        -- booleans
        fm_scored.has_purchases,
        -- dates and timestamps
        fm_scored.as_of_date,
        fm_scored.first_sale_at,
        fm_scored.last_sale_at

    from fm_scored
    left join segment_map
        on
            fm_scored.r_score = segment_map.r_score
            and fm_scored.fm_score = segment_map.fm_score

)

select * from final
