{#- EDA: the Pearson correlation matrix of the numeric columns, one row per
    pair (the diagonal is 1). Pairs use customers with both values. -#}
{%- set numeric_columns = ["age", "annual_income_k", "spending_score"] -%}

with

customers as (

    select * from {{ ref('customer_segments') }}

),

correlations as (

    {%- for column_x in numeric_columns %}
        {%- set outer_loop = loop %}
        {%- for column_y in numeric_columns %}
            select
                '{{ column_x }}' as column_x,
                '{{ column_y }}' as column_y,
                {{ outer_loop.index }} as position_x,
                {{ loop.index }} as position_y,
                count({{ column_x }} + {{ column_y }}) as pair_count,
                corr({{ column_x }}, {{ column_y }}) as pearson_r
            from customers
            {{ "union all" if not (outer_loop.last and loop.last) }}
        {%- endfor %}
    {%- endfor %}

)

select * from correlations
order by position_x, position_y
