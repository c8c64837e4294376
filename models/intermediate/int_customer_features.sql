{#- The feature matrix: one row per segmented customer, each clustering
    feature in its own units and standardised (`<feature>_z`). Stops the
    build when too few customers are left to form the requested segments. -#}
{%- set settings = segmentation_settings() -%}
{%- set features = settings.features -%}
{%- set smallest_k = settings.n_clusters or settings.k_min -%}
{#- Messages name the file the customers come from, and the model that
    holds their reasons. -#}
{%- set with_profiles_only = given_inputs() == ["customer_profiles"] -%}
{%- set customers_label = customer_input_label() if "customer_profiles"
    in given_inputs() else input_label("order_lines") -%}
{%- set reasons_models = "intermediate.int_customer_rows_validated"
    if with_profiles_only else "intermediate.int_customers_joined, and for"
    ~ " order lines intermediate.int_order_lines_validated" -%}

with

customers as (

    select * from {{ ref('int_customers_joined') }}
    where is_segmented

),

scaling as (

    select * from {{ ref('int_feature_scaling') }}

),

scaling_values as (

    select
        feature,
        scaling_mean,
        scaling_std

    from scaling

),

scaling_wide as (

    -- One row, columns <feature>_mean and <feature>_std.
    pivot scaling_values
    on feature in ({{ "'" ~ features | join("', '") ~ "'" }})
    using max(scaling_mean) as mean, max(scaling_std) as std

),

enough_customers as (

    -- Silhouette needs at least k + 1 customers, and k segments need k
    -- different points: K-Means leaves a segment empty otherwise.
    select
        case
            when count(*) < {{ smallest_k + 1 }}
                then error(
                    'Unusable input '
                    || {{ sql_literal(customers_label) }} || ': only '
                    || count(*) || ' usable customer rows after cleaning;'
                    || ' k={{ smallest_k }} needs at least {{ smallest_k + 1 }}'
                    || ' (reasons in {{ reasons_models }})'
                )
            when
                count(distinct row({{ features | join(", ") }}))
                < {{ smallest_k }}
                then error(
                    'Unusable input '
                    || {{ sql_literal(customers_label) }} || ': its '
                    || count(*) || ' usable customer rows have only '
                    || count(distinct row({{ features | join(", ") }}))
                    || ' different values of the clustering features'
                    || ' ({{ features | join(", ") }});'
                    || ' k={{ smallest_k }} needs at least {{ smallest_k }}'
                )
        end as failure

    from customers

),

features as (

    select
        customers.customer_id,
    {%- for feature in features %}
        customers.{{ feature }},
        (
            {{ clustered_value(feature, "customers") }}
            - scaling_wide.{{ feature }}_mean
        )
        / scaling_wide.{{ feature }}_std as {{ feature }}_z
        {{- "," if not loop.last }}
    {%- endfor %}

    from customers
    cross join scaling_wide
    where (select enough_customers.failure from enough_customers) is null

)

select * from features
