{#- Segment comparison: each segment against all customers. An index of 100
    means the segment's average equals the overall average; 150 means half
    as much again. Paste the compiled SQL into a SQL client. -#}
{%- set numeric_columns = ["age", "annual_income_k", "spending_score"] -%}

with

customers as (

    select * from {{ ref('customer_segments') }}

),

segments as (

    select * from {{ ref('segment_profiles') }}

),

overall as (

    -- Averaged as segment_profiles averages each segment.
    select
        {%- for column in numeric_columns %}
            {{ exact_avg(column) }} as overall_avg_{{ column }},
        {%- endfor %}
        count(*) filter (where gender = 'Female')
        / nullif(count(gender), 0) as overall_female_share

    from customers

),

compared as (

    select
        -- ids
        segments.segment_id,
        -- strings
        segments.segment_name,
        segments.playbook_label,
        -- size
        segments.customer_count,
        segments.customer_share,
        -- averages and their index against all customers (100 = average)
        {%- for column in numeric_columns %}
            segments.avg_{{ column }},
            round(
                100 * segments.avg_{{ column }}
                / nullif(overall.overall_avg_{{ column }}, 0)
            ) as {{ column }}_index,
        {%- endfor %}
        segments.female_share,
        segments.female_share
        - overall.overall_female_share as female_share_difference

    from segments
    cross join overall

)

select * from compared
order by segment_id
