{#- The feature matrix: one row per segmented customer, each clustering
    feature in its own units and standardised (`<feature>_z`). Stops the
    build when too few customers are left to form the requested segments. -#}
{%- set settings = segmentation_settings() -%}
{%- set features = settings.features -%}
{%- set smallest_k = settings.n_clusters or settings.k_min -%}
{#- Messages name the file the customers come from, and the model that
    holds their reasons. -#}
{%- set with_profiles_only = given_inputs() == ["customer_profiles"] -%}
{%- set customers_label = input_label_shown("customers") if "customer_profiles"
    in given_inputs() else input_label_shown("order_lines") -%}
{#- The customers' different points as K-Means sees them (below). -#}
{%- set rounded_z = [] -%}
{%- for feature in features -%}
    {%- do rounded_z.append("round(" ~ feature ~ "_z, 12)") -%}
{%- endfor -%}
{%- set points = "count(distinct row(" ~ rounded_z | join(", ") ~ "))" -%}
{%- set reasons_models = "intermediate.int_customer_rows_validated"
    if with_profiles_only else "intermediate.int_customers_joined, and for"
    ~ " order lines intermediate.int_order_lines_validated" -%}

with

known_customers as (

    select * from {{ ref('int_customers_joined') }}

),

customers as (

    select * from known_customers
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

short_of_customers as (

    -- Every customer, for the message below, only when too few are left to
    -- cluster. Otherwise no row passes; the count and the filtered scan
    -- still cost about 0.03 s at a million customers.
    select known_customers.*

    from known_customers
    where (select count(*) from customers) < {{ smallest_k + 1 }}

),

reason_counts as (

    select
        reject_reason,
        {{ reject_reason_order("customers") }} as rule_order,
        count(*) as rows_with_reason

    from short_of_customers
    where reject_reason is not null
    group by reject_reason

),

commonest_reasons as (

    -- The reasons with the most rows, in rule order: a tie names them all.
    select
        string_agg(reject_reason, ' and ' order by rule_order) as reasons,
        count(*) as reason_count,
        max(rows_with_reason) as rows_with_reason

    from reason_counts
    where
        rows_with_reason = (
            select max(most.rows_with_reason) from reason_counts as most
        )

),

known_totals as (

    select
        count(*) as known_rows
        {%- if given_inputs() | length > 1 %},
        -- 0 when the two files come from different systems.
        count(distinct customer_id) filter (
            where source_row_number is not null
            and sale_lines + return_lines > 0
        ) as ids_in_both_files
    {%- endif %}

    from short_of_customers

),

shortfall_note as (

    -- The commonest reason and, with both files, how many of the file's
    -- ids have order lines.
    select
        -- NULL, so '', without a rejected row.
        coalesce(
            '; the commonest '
            || if(
                commonest_reasons.reason_count = 1, 'reason is ', 'reasons are '
            )
            || commonest_reasons.reasons
            || ', on ' || commonest_reasons.rows_with_reason
            || ' of ' || known_totals.known_rows || ' rows'
            || if(commonest_reasons.reason_count = 1, '', ' each'),
            ''
        )
        {%- if given_inputs() | length > 1 %}
            || '; customer ids in both files: '
            || known_totals.ids_in_both_files
        {%- endif %} as note

    from known_totals
    left join commonest_reasons on true

),

standardised as (

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

),

enough_customers as (

    -- Silhouette needs at least k + 1 customers, and k segments need k
    -- different points as K-Means sees them, or it leaves a segment empty:
    -- standardised values that round to the same 12 decimals are one point
    -- (incomes of 0 and 1e-300 are two values but one point).
    select
        case
            when count(*) < {{ smallest_k + 1 }}
                then error(
                    'Unusable input '
                    || {{ sql_literal(customers_label) }} || ': only '
                    || count(*) || ' usable customer row'
                    || if(count(*) = 1, '', 's') || ' after cleaning;'
                    || ' k={{ smallest_k }} needs at least {{ smallest_k + 1 }}'
                    || ' (reasons in {{ reasons_models }})'
                    || (select shortfall_note.note from shortfall_note)
                )
            when {{ points }} < {{ smallest_k }}
                then error(
                    'Unusable input '
                    || {{ sql_literal(customers_label) }} || ': its '
                    || count(*) || ' usable customer rows have only '
                    || {{ points }} || ' different value'
                    || if({{ points }} = 1, '', 's')
                    || ' of the clustering features'
                    || ' ({{ features | join(", ") }}) once standardised'
                    || ' to 12 decimals; k={{ smallest_k }} needs at least'
                    || ' {{ smallest_k }}'
                )
        end as failure

    from standardised

),

features as (

    select * from standardised
    where (select enough_customers.failure from enough_customers) is null

)

select * from features
