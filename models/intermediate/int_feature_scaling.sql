{#- Mean and population standard deviation of each clustering feature over
    the segmented customers: the z-score that K-Means sees, and what a SQL
    user needs to place a new customer. A feature in the var
    log_transformed_features is scaled as ln(1 + value) (`transform`
    log1p). A constant feature gets scale 1, as scikit-learn's
    StandardScaler does. -#}

{%- set features = segmentation_features() -%}
{#- exact_avg sums squared deviations as DECIMAL(38, 9), which holds less
    than 10^29: above this a value (as clustered) would stop the build with
    a cast error, so it is refused in one line instead. -#}
{%- set largest_value = 10 ** 14 -%}

with

customers as (

    select * from {{ ref('int_customers_joined') }}
    where is_segmented

),

too_large as (

    {%- for feature in features %}
        {%- set input = (feature_catalogue()
            | selectattr("name", "equalto", feature) | first).input %}
        select
            {{ sql_literal(customer_input_label()
                if input == "customer_profiles"
                else input_label("order_lines")) }} as input_label,
            {{ loop.index }} as feature_position,
            '{{ feature }}' as feature,
            customer_id,
            {{ clustered_value(feature) }} as feature_value
        from customers
        where abs({{ clustered_value(feature) }}) > {{ largest_value }}
        {{ "union all" if not loop.last }}
    {%- endfor %}

),

first_too_large as (

    select *
    from too_large
    order by feature_position, customer_id
    limit 1

),

refusal as (

    -- The first value too large names the problem, whatever the order the
    -- rows are read in.
    select
        error(
            'Unusable input ' || input_label || ': customer ' || customer_id
            || '''s ' || feature || ' is ' || cast(feature_value as varchar)
            || ', above 10^14, too large to standardise; fix the value, or'
            || ' log-transform the feature (var log_transformed_features)'
        ) as failure

    from first_too_large

),

feature_means as (

    {%- for feature in features %}
        select
            '{{ feature }}' as feature,
            {{ loop.index }} as feature_position,
            '{{ feature_transform(feature) }}' as transformation,
            {{ exact_avg(clustered_value(feature)) }} as scaling_mean
        from customers
        where (select refusal.failure from refusal) is null
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
