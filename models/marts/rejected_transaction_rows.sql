{#- One row per order line that is neither a sale line nor a return line,
    with its raw values and the reason. Together with the sale and return
    lines of int_order_lines_validated it accounts for every line of the
    file (tests/order_lines/assert_every_order_line_is_accounted_for.sql).
    Built empty when the run has no order lines, so that Power BI always
    finds the same tables. -#}
{#- Built only after the clustering models succeed, as
    rejected_customer_rows is: they descend from both files, so a refused
    customer file, or a build that fails in the clustering, leaves this mart
    as the last good build left it, like every other mart. -#}
-- depends_on: {{ ref('int_customers_clustered') }}
{%- set with_order_lines = order_lines_file_path() is not none %}

with
{%- if with_order_lines %}

    validated_lines as (

        select * from {{ ref('int_order_lines_validated') }}

    ),
{%- endif %}

rejected as (
    {%- if with_order_lines %}

        select
            -- ids
            source_line_number,
            customer_id,
            -- strings
            {{ reject_reason_key(sql_literal("order_lines")) }}
                as reject_reason_key,
            reject_reason,
            reject_detail,
            invoice_no_raw,
            stock_code_raw,
            description_raw,
            quantity_raw,
            invoice_date_raw,
            unit_price_raw,
            customer_id_raw,
            country_raw

        from validated_lines
        where reject_reason is not null
    {%- else %}

        -- No order lines: the columns, and no rows.
        select
            null::bigint as source_line_number,
            null::bigint as customer_id,
            {%- for column in ["reject_reason_key", "reject_reason",
                "reject_detail"] + input_column_names("order_lines", "_raw") %}
                null::varchar as {{ column }}{{ "," if not loop.last }}
            {%- endfor %}
        where false
{%- endif %}

)

select * from rejected
