{#- EDA: summary statistics of each numeric column over the segmented
    customers (every valid input row). `dbt compile` writes plain SQL to
    target/compiled/mall_segmentation/analyses/ for any SQL client. -#}
{%- set numeric_columns = ["age", "annual_income_k", "spending_score"] -%}

with

customers as (

    select * from {{ ref('customer_segments') }}

),

column_statistics as (

    {%- for column in numeric_columns %}
        select
            '{{ column }}' as column_name,
            {{ loop.index }} as column_position,
            count({{ column }}) as value_count,
            count(*) - count({{ column }}) as missing_count,
            min({{ column }})::double as min_value,
            quantile_cont({{ column }}, 0.25) as p25_value,
            quantile_cont({{ column }}, 0.5) as median_value,
            quantile_cont({{ column }}, 0.75) as p75_value,
            max({{ column }})::double as max_value,
            avg({{ column }}) as mean_value,
            -- Sample standard deviation, as pandas' describe() reports.
            stddev_samp({{ column }}) as stddev_value
        from customers
        {{ "union all" if not loop.last }}
    {%- endfor %}

)

select * from column_statistics
order by column_position
