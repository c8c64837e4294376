{#- Every input row with the single reason it is rejected (NULL when it is
    segmented). The rules and their order are in macros/reject_reasons.sql:
    identity, conflicting duplicates, invalid values, missing clustering
    features, then extra exact copies. The post-hook refuses a file with a
    malformed line or no data rows (macros/check_input_files.sql): this
    model is the one that reads the whole input. -#}
{{ config(post_hook="{{ check_input_rows_read('customers') }}") }}
{%- set features = segmentation_features() -%}
{%- set raw_and_text_columns = customer_input_column_names("_raw")
    + customer_input_column_names("_text") -%}
{#- With order lines, a row kept here can still be rejected on the join
    (int_customers_joined: no_purchases), and its raw values go with it. -#}
{%- set keeps_every_raw_value = "order_lines" in given_inputs() -%}

with

customer_rows as (

    select * from {{ ref('stg_customers') }}

),

id_row_counts as (

    select
        customer_id,
        count(*) as rows_with_id

    from customer_rows
    where customer_id is not null
    group by customer_id

),

repeated_id_rows as (

    -- Only ids on more than one row can be duplicates. Most ids appear
    -- once, so the costly checks below run on a few rows, not on all.
    -- A version is a row's values after cleaning, so "19" and "19.0", or
    -- " Male " and "M", are the same version.
    select
        customer_rows.customer_id,
        customer_rows.source_row_number,
        row(
            coalesce(customer_rows.gender, customer_rows.gender_text),
            coalesce(
                cast(customer_rows.age as varchar), customer_rows.age_text
            ),
            coalesce(
                cast(customer_rows.annual_income_k as varchar),
                customer_rows.annual_income_k_text
            ),
            coalesce(
                cast(customer_rows.spending_score as varchar),
                customer_rows.spending_score_text
            )
        ) as row_version

    from customer_rows
    inner join id_row_counts
        on customer_rows.customer_id = id_row_counts.customer_id
    where id_row_counts.rows_with_id > 1

),

repeated_ids as (

    select
        customer_id,
        count(distinct row_version) as version_count,
        min(source_row_number) as first_source_row_number

    from repeated_id_rows
    group by customer_id

),

repeated_id_copies as (

    select
        source_row_number,
        row_number() over (
            partition by customer_id
            order by source_row_number
        ) as copy_number

    from repeated_id_rows

),

copies_numbered as (

    -- Every row once; the four duplicate columns are NULL without an id.
    select
        customer_rows.*,
        case
            when id_row_counts.customer_id is not null
                then coalesce(repeated_ids.version_count, 1)
        end as version_count,
        id_row_counts.rows_with_id,
        case
            when id_row_counts.customer_id is not null
                then coalesce(repeated_id_copies.copy_number, 1)
        end as copy_number,
        case
            when id_row_counts.customer_id is not null
                then
                    coalesce(
                        repeated_ids.first_source_row_number,
                        customer_rows.source_row_number
                    )
        end as first_source_row_number

    from customer_rows
    left join id_row_counts
        on customer_rows.customer_id = id_row_counts.customer_id
    left join repeated_ids
        on customer_rows.customer_id = repeated_ids.customer_id
    left join repeated_id_copies
        on
            customer_rows.source_row_number
            = repeated_id_copies.source_row_number

),

reasons as (

    -- The rules, their order and their wording: macros/reject_reasons.sql.
    select
        *,
        {{ assign_reject_reason("customers", features) }} as reject_reason

    from copies_numbered

),

explained as (

    select
        *,
        {{ reject_detail("customers", "reject_reason") }} as reject_detail,
        reject_reason is null as is_segmented

    from reasons

),

final as (

    -- Raw values are kept where they explain a rejection; a segmented row's
    -- values are in the typed columns. Leaving out text that nothing
    -- downstream reads keeps this table, written once per run, small.
    select
        * exclude ({{ raw_and_text_columns | join(", ") }}),
    {%- for column in customer_input_columns() %}
        {%- if keeps_every_raw_value %}
            {{ column.name }}_raw
        {%- else %}
        case
            when not is_segmented then {{ column.name }}_raw
        end as {{ column.name }}_raw
        {%- endif %}
        {{- "," if not loop.last }}
    {%- endfor %}

    from explained

)

select * from final
