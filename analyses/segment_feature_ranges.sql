{#- Segment comparison: the spread of each numeric column within each
    segment (quartiles and extremes), for writing targeting rules such as
    "income 70-100 k$ and spending score above 60". -#}
{%- set numeric_columns = ["age", "annual_income_k", "spending_score"] -%}

with

customers as (

    select * from {{ ref('customer_segments') }}

),

ranges as (

    {%- for column in numeric_columns %}
        select
            segment_id,
            segment_name,
            '{{ column }}' as column_name,
            {{ loop.index }} as column_position,
            count({{ column }}) as value_count,
            min({{ column }})::double as min_value,
            quantile_cont({{ column }}, 0.25) as p25_value,
            quantile_cont({{ column }}, 0.5) as median_value,
            quantile_cont({{ column }}, 0.75) as p75_value,
            max({{ column }})::double as max_value
        from customers
        group by segment_id, segment_name
        {{ "union all" if not loop.last }}
    {%- endfor %}

)

select * from ranges
order by segment_id, column_position
