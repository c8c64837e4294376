{#- One row per customer row that is not segmented, with its raw values and
    the reason: a row of the customer file, or a customer known only from
    the order lines (no source_row_number, no raw values). Together with
    customer_segments it accounts for every customer
    (tests/assert_every_input_row_is_accounted_for.sql). -#}

-- Built only after the clustering models succeed, so that a build that
-- fails there leaves this mart and customer_segments from the same,
-- previous run.
-- depends_on: {{ ref('int_customers_clustered') }}

with

validated_rows as (

    select * from {{ ref('int_customers_joined') }}

),

rejected as (

    select
        -- ids
        source_row_number,
        customer_id,
        -- strings
        {{ reject_reason_key(sql_literal("customers")) }} as reject_reason_key,
        reject_reason,
        reject_detail,
        customer_id_raw,
        gender_raw,
        age_raw,
        annual_income_k_raw,
        spending_score_raw

    from validated_rows
    where not is_segmented

)

select * from rejected
