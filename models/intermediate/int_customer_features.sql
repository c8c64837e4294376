{#- The feature matrix: one row per segmented customer, each clustering
    feature in its own units and standardised (`<feature>_z`). Stops the
    build when too few customers are left to form the requested segments. -#}
{%- set settings = segmentation_settings() -%}
{%- set features = settings.features -%}
{%- set smallest_k = settings.n_clusters or settings.k_min -%}
{%- if order_lines_file_path() is not none %}
-- With an order-lines file, clustering waits until the whole file has been
-- read and checked, so that a refused file stops the build before any
-- customer mart is replaced.
-- depends_on: {{ ref('int_order_lines_validated') }}
{%- endif %}

with

customers as (

    select * from {{ ref('int_customer_rows_validated') }}
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

    -- Silhouette needs at least k + 1 customers.
    select
        case
            when count(*) < {{ smallest_k + 1 }}
                then error(
                    'Unusable input '
                    || {{ sql_literal(customer_input_label()) }} || ': only '
                    || count(*) || ' usable customer rows after cleaning;'
                    || ' k={{ smallest_k }} needs at least {{ smallest_k + 1 }}'
                    || ' (reasons in intermediate.int_customer_rows_validated)'
                )
        end as failure

    from customers

),

features as (

    select
        customers.customer_id,
    {%- for feature in features %}
        customers.{{ feature }},
        (customers.{{ feature }} - scaling_wide.{{ feature }}_mean)
        / scaling_wide.{{ feature }}_std as {{ feature }}_z
        {{- "," if not loop.last }}
    {%- endfor %}

    from customers
    cross join scaling_wide
    where (select enough_customers.failure from enough_customers) is null

)

select * from features
