{#- Mean and population standard deviation of each clustering feature over
    the segmented customers: the z-score that K-Means sees, and what a SQL
    user needs to place a new customer. A feature in the var
    log_transformed_features is scaled as ln(1 + value) (`transformation`
    log1p). A constant feature gets scale 1, as scikit-learn's
    StandardScaler does. Each sum is exact (exact_avg): the customers come
    through int_segmented_customers_checked, which refuses values too large
    for it. -#}

{%- set features = segmentation_features() -%}

with

customers as (

    select * from {{ ref('int_segmented_customers_checked') }}

),

feature_means as (

    {%- for feature in features %}
        select
            '{{ feature }}' as feature,
            {{ loop.index }} as feature_position,
            '{{ feature_transform(feature) }}' as transformation,
            {{ exact_avg(clustered_value(feature)) }} as scaling_mean
        from customers
        {{ "union all" if not loop.last }}
    {%- endfor %}

),

feature_variances as (

    -- Two-pass population variance, as scikit-learn's StandardScaler does.
    {%- for feature in features %}
        select
            '{{ feature }}' as feature,
            {{ exact_avg(
                "power(" ~ clustered_value(feature, "customers")
                ~ " - feature_means.scaling_mean, 2)"
            ) }} as population_variance
        from customers
        inner join feature_means
            on feature_means.feature = '{{ feature }}'
        {{ "union all" if not loop.last }}
    {%- endfor %}

),

scaling as (

    select
        feature_means.feature,
        feature_means.feature_position,
        feature_means.transformation,
        feature_means.scaling_mean,
        case
            when feature_variances.population_variance > 0
                then sqrt(feature_variances.population_variance)
            else 1.0
        end as scaling_std

    from feature_means
    inner join feature_variances
        on feature_means.feature = feature_variances.feature

)

select * from scaling
