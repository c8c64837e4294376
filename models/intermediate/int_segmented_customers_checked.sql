{#- The segmented customers, once no sum int_feature_scaling and
    segment_profiles take exactly could overflow; else the build stops here
    with a one-line refusal. Ephemeral: its query runs inside
    int_feature_scaling's, as a step of its own in the lineage.

    exact_avg adds values, then squared deviations, as DECIMAL(38, 9),
    whose sums hold less than 1.7 * 10^29. A clustering feature whose
    values or squared deviations add up to more than 10^28, a margin under
    that, is refused instead of stopping the build with an overflow.
    segment_profiles averages every catalogue feature's own value the same
    way, clustered on or not, so those sums are checked too, before any
    mart is built. -#}
{{ config(materialized="ephemeral") }}

{%- set features = segmentation_features() -%}
{%- set largest_sum = "1e28" -%}
{#- The file each catalogue input comes from, as the refusal names it. -#}
{%- set input_labels = {
    "customer_profiles": sql_literal(input_label_shown("customers")),
    "order_lines": sql_literal(input_label_shown("order_lines")),
} -%}

with

customers as (

    select * from {{ ref('int_customers_joined') }}
    where is_segmented

),

clustered_values as (

    -- In doubles, which cannot overflow here, for the check only.
    {%- for feature in features %}
        {%- set input = (feature_catalogue()
            | selectattr("name", "equalto", feature) | first).input %}
        select
            {{ input_labels[input] }} as input_label,
            {{ loop.index }} as feature_position,
            '{{ feature }}' as feature,
            customer_id,
            cast({{ clustered_value(feature) }} as double) as feature_value
        from customers
        {{ "union all" if not loop.last }}
    {%- endfor %}

),

double_means as (

    select
        feature_position,
        avg(feature_value) as mean_value

    from clustered_values
    group by feature_position

),

too_large as (

    select clustered_values.feature_position

    from clustered_values
    inner join double_means
        on clustered_values.feature_position = double_means.feature_position
    group by clustered_values.feature_position
    having
        sum(abs(clustered_values.feature_value)) > {{ largest_sum }}
        or sum(
            power(clustered_values.feature_value - double_means.mean_value, 2)
        ) > {{ largest_sum }}

),

first_too_large as (

    -- Its largest value, found only when the build is refused.
    select
        clustered_values.input_label,
        clustered_values.feature,
        clustered_values.customer_id as largest_customer_id,
        abs(clustered_values.feature_value) as largest_value

    from clustered_values
    where
        clustered_values.feature_position
        = (select min(too_large.feature_position) from too_large)
    order by largest_value desc, largest_customer_id asc
    limit 1

),

averaged_sums as (

    -- One pass over the customers, whatever the number of features.
    {%- set sums = [] %}
    {%- for feature in feature_catalogue() %}
        {%- do sums.append(
            "sum(abs(cast(" ~ feature.name ~ " as double))) as " ~ feature.name
        ) %}
    {%- endfor %}
    select
        {{ sums | join(",\n        ") }}

    from customers

),

averages_too_large as (

    {%- for feature in feature_catalogue() %}
        select
            {{ input_labels[feature.input] }} as input_label,
            {{ loop.index }} as feature_position,
            '{{ feature.name }}' as feature
        from averaged_sums
        where {{ feature.name }} > {{ largest_sum }}
        {{ "union all" if not loop.last }}
    {%- endfor %}

),

first_feature_too_large_to_average as (

    select * from averages_too_large
    order by feature_position
    limit 1

),

values_too_large_to_average as (

    -- Read only for the feature named, when there is one.
    {%- for feature in feature_catalogue() %}
        select
            first_feature.input_label,
            first_feature.feature,
            customers.customer_id,
            abs(cast(customers.{{ feature.name }} as double)) as feature_value
        from customers
        inner join first_feature_too_large_to_average as first_feature
            on first_feature.feature = '{{ feature.name }}'
        {{ "union all" if not loop.last }}
    {%- endfor %}

),

first_too_large_to_average as (

    -- Its largest value, found only when the build is refused.
    select
        input_label,
        feature,
        customer_id as largest_customer_id,
        feature_value as largest_value

    from values_too_large_to_average
    order by largest_value desc, largest_customer_id asc
    limit 1

),

refusal_cause as (

    -- A value too large to average is named first: no log transform would
    -- help it.
    select
        *,
        'average' as exact_step,
        '' as advice
    from first_too_large_to_average

    union all

    select
        *,
        'standardise' as exact_step,
        ', or log-transform the feature (var log_transformed_features)'
            as advice
    from first_too_large
    where not exists (select 1 from first_too_large_to_average)

),

refusal as (

    -- Raised on the one row left, so the message is the same whatever the
    -- order the rows are read in.
    select
        error(
            'Unusable input ' || input_label || ': ' || feature || ' is too'
            || ' large to ' || exact_step || ' exactly (customer '
            || largest_customer_id || '''s is '
            || cast(largest_value as varchar) || '); fix the value' || advice
        ) as failure

    from refusal_cause

),

checked as (

    -- Every customer, when no refusal was raised.
    select customers.*
    from customers
    where (select refusal.failure from refusal) is null

)

select * from checked
