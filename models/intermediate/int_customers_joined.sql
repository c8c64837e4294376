{#- Every customer the run knows, once, with everything the clustering can
    use and the single reason it is not segmented (NULL when it is):
    - customer profiles only: each row of the customer file (or the seed);
    - order lines only: each customer with a valid order line;
    - both: each row of the customer file, with the RFM features of its
      customer id, then each order-lines customer with no row in the file.
    Rules on the customer rows come first (int_customer_rows_validated);
    then the rules marked `joined` in macros/reject_reasons.sql. The RFM
    scores rank the segmented customers, so they come last. -#}
{%- set inputs = given_inputs() -%}
{%- set with_profiles = "customer_profiles" in inputs -%}
{%- set with_order_lines = "order_lines" in inputs -%}
{%- set features = segmentation_features() -%}
{#- Five models read it: with order lines, the join is done once. -#}
{{ config(materialized="table" if with_order_lines else "view") }}
{%- set profile_columns = {
    "gender": "varchar",
    "age": "integer",
    "annual_income_k": "double",
    "spending_score": "integer",
} -%}
{%- set raw_columns = customer_input_column_names("_raw") -%}
{%- set rfm_columns = {
    "recency_days": "integer",
    "frequency": "integer",
    "monetary": "decimal(38, 6)",
    "tenure_days": "integer",
    "avg_order_value": "decimal(38, 3)",
    "returned_value": "decimal(38, 6)",
    "sale_lines": "integer",
    "return_lines": "integer",
} -%}
{#- A customer row's order-lines values: NULL without order lines; a row
    with no order line has 0 sale and return lines. -#}
{%- set profile_row_rfm = {} -%}
{%- for column in rfm_columns.keys() | list + ["has_purchases"] -%}
    {%- set value = "order_line_customers." ~ column -%}
    {%- if not with_order_lines -%}
        {%- set value = "null" -%}
    {%- elif column in ["sale_lines", "return_lines"] -%}
        {%- set value = "coalesce(" ~ value ~ ", 0)" -%}
    {%- elif column == "has_purchases" -%}
        {%- set value = "coalesce(" ~ value ~ ", false)" -%}
    {%- endif -%}
    {%- do profile_row_rfm.update({column: value}) -%}
{%- endfor %}

with
{%- if with_profiles %}

    customer_rows as (

        select * from {{ ref('int_customer_rows_validated') }}

    ),
{%- endif %}
{%- if with_order_lines %}

    order_line_customers as (

        select * from {{ ref('int_customer_rfm') }}

    ),

    segment_map as (

        select * from {{ ref('stg_rfm_segments') }}

    ),
{%- endif %}

joined as (

    {%- if with_profiles %}

        select
            customer_rows.source_row_number,
            customer_rows.customer_id,
            {%- for column in profile_columns.keys() | list + raw_columns %}
                customer_rows.{{ column }},
            {%- endfor %}
            {%- for column, data_type in rfm_columns.items() %}
                {{ profile_row_rfm[column] }}::{{ data_type }} as {{ column }},
            {%- endfor %}
            {{ profile_row_rfm["has_purchases"] }}::boolean as has_purchases,
            customer_rows.reject_reason as customer_row_reject_reason,
            customer_rows.reject_detail as customer_row_reject_detail

        from
            customer_rows
        {%- if with_order_lines %}
        left join order_line_customers
            on customer_rows.customer_id = order_line_customers.customer_id
        {%- endif %}
    {%- endif %}
    {%- if with_profiles and with_order_lines %}

        union all
    {%- endif %}
    {%- if with_order_lines %}

        -- Customers known only from their order lines.
        select
            null::bigint as source_row_number,
            order_line_customers.customer_id,
            {%- for column, data_type in profile_columns.items() %}
                null::{{ data_type }} as {{ column }},
            {%- endfor %}
            {%- for column in raw_columns %}
                null::varchar as {{ column }},
            {%- endfor %}
            {%- for column, data_type in rfm_columns.items() %}
                order_line_customers.{{ column }}::{{ data_type }}
                    as {{ column }},
            {%- endfor %}
            order_line_customers.has_purchases,
            null::varchar as customer_row_reject_reason,
            null::varchar as customer_row_reject_detail

        from order_line_customers
        {%- if with_profiles %}
            where not exists (
                select 1
                from customer_rows
                where
                    customer_rows.customer_id = order_line_customers.customer_id
            )
        {%- endif %}
    {%- endif %}

),

reasons as (

    select
        *,
        coalesce(
            customer_row_reject_reason,
            {{ assign_reject_reason("customers", features, joined=true) }}
        ) as reject_reason

    from joined

),

reasoned as (

    select
        * exclude (customer_row_reject_reason, customer_row_reject_detail),
        coalesce(
            customer_row_reject_detail,
            {{ reject_detail("customers", "reject_reason", joined=true) }}
        ) as reject_detail,
        reject_reason is null as is_segmented

    from reasons

),
{%- if with_order_lines %}

    rankable as (

        -- Only the segmented customers with a sale line have RFM to rank.
        select
            *,
            is_segmented and has_purchases as is_scored

        from reasoned

    ),

    scored as (

        -- Quintiles over the segmented customers with a sale line: ntile(5)
        -- cuts the ranking into five groups as equal as possible (the lower
        -- groups get the one extra customer). Equal values are ranked by
        -- customer_id, so the lower id gets the lower score. 5 is most recent,
        -- most frequent, highest spend. ntile gives a BIGINT; the marts hold
        -- integers.
        select
            * exclude (is_scored),
            case when is_scored then ntile(5) over (
                partition by is_scored
                order by recency_days desc, customer_id asc
            ) end::integer as r_score,
            case when is_scored then ntile(5) over (
                partition by is_scored
                order by frequency, customer_id
            ) end::integer as f_score,
            case when is_scored then ntile(5) over (
                partition by is_scored
                order by monetary, customer_id
            ) end::integer as m_score

        from rankable

    ),

    final as (

        -- The segment map's cell: the recency score and the mean of the
        -- frequency and spend scores, halves rounded up.
        select
            scored.*,
            segment_map.rfm_segment

        from scored
        left join segment_map
            on
                scored.r_score = segment_map.r_score
                and (scored.f_score + scored.m_score + 1) // 2
                = segment_map.fm_score

    )
{%- else %}

final as (

    select
        *,
        null::integer as r_score,
        null::integer as f_score,
        null::integer as m_score,
        null::varchar as rfm_segment

    from reasoned

)
{%- endif %}

select * from final
