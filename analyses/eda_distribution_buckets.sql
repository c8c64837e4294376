{#- EDA: how many customers fall in each bucket of each numeric column,
    split by gender. Buckets are [bucket_start, bucket_end). -#}
{%- set bucket_widths = {
    "age": 10,
    "annual_income_k": 10,
    "spending_score": 10,
} -%}

with

customers as (

    select * from {{ ref('customer_segments') }}

),

bucketed as (

    {%- for column, width in bucket_widths.items() %}
        select
            '{{ column }}' as column_name,
            {{ loop.index }} as column_position,
            {{ width }} as bucket_width,
            floor({{ column }} / {{ width }}) * {{ width }} as bucket_start,
            gender
        from customers
        where {{ column }} is not null
        {{ "union all" if not loop.last }}
    {%- endfor %}

),

bucket_counts as (

    select
        column_name,
        column_position,
        bucket_start,
        bucket_start + bucket_width as bucket_end,
        count(*) as customer_count,
        count(*) filter (where gender = 'Female') as female_count,
        count(*) filter (where gender = 'Male') as male_count,
        count(*) / sum(count(*)) over (
            partition by column_name
        ) as customer_share

    from bucketed
    group by column_name, column_position, bucket_start, bucket_width

)

select * from bucket_counts
order by column_position, bucket_start
