{#- One row per segmented customer: cleaned attributes, RFM features and
    their segment. Columns the run has no input for are NULL. -#}

with

customers as (

    select * from {{ ref('int_customers_joined') }}
    where is_segmented

),

assignments as (

    select * from {{ ref('int_customers_clustered') }}

),

segments as (

    select * from {{ ref('int_segments_named') }}

),

customer_segments as (

    select
        -- ids
        customers.customer_id,
        assignments.segment_id,
        -- strings
        segments.segment_name,
        customers.gender,
        customers.rfm_segment,
        -- numerics
        customers.age,
        customers.annual_income_k,
        customers.spending_score,
        customers.recency_days,
        customers.frequency,
        customers.monetary,
        customers.tenure_days,
        customers.avg_order_value,
        customers.returned_value,
        customers.r_score,
        customers.f_score,
        customers.m_score,
        assignments.distance_to_centroid,
        customers.source_row_number

    from customers
    inner join assignments
        on customers.customer_id = assignments.customer_id
    inner join segments
        on assignments.segment_id = segments.segment_id

)

select * from customer_segments
