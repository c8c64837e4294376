{#- Mean and population standard deviation of each clustering feature over
    the segmented customers: the z-score that K-Means sees, and what a SQL
    user needs to place a new customer. A constant feature gets scale 1, as
    scikit-learn's StandardScaler does. -#}

with

customers as (

    select * from {{ ref('int_customer_rows_validated') }}
    where is_segmented

),

feature_statistics as (

    {%- for feature in segmentation_features() %}
        select
            '{{ feature }}' as feature,
            {{ loop.index }} as feature_position,
            avg({{ feature }}) as scaling_mean,
            stddev_pop({{ feature }}) as population_std
        from customers
        {{ "union all" if not loop.last }}
    {%- endfor %}

),

scaling as (

    select
        feature,
        feature_position,
        scaling_mean,
        case
            when population_std > 0 then population_std else 1.0
        end as scaling_std

    from feature_statistics

)

select * from scaling
