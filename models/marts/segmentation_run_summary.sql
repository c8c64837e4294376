{#- One row describing the last successful build: the input, how many rows
    were segmented or rejected (and why), and the clustering settings. With
    an order-lines file, also how many of its lines are sale lines, return
    lines or rejected (and why); without one, those counts are NULL: no
    file was read, which is not the same as a file with no such lines. -#}
{%- set order_lines_path = order_lines_file_path() -%}
{#- The customers come from the customer file (or seed) when there is one,
    else from the order lines. -#}
{%- set customers_label = customer_input_label()
    if "customer_profiles" in given_inputs()
    else input_label("order_lines") -%}

with

validated_rows as (

    select * from {{ ref('int_customers_joined') }}

),

settings as (

    select * from {{ ref('int_segmentation_settings') }}

),

k_evaluation as (

    select * from {{ ref('k_evaluation') }}

),
{%- if order_lines_path is not none %}

    -- The line counts come from the tables already built, not from another
    -- pass over every line: the file's lines, the customers' sale and
    -- return lines, and the rejected lines.
    order_lines as (

        select * from {{ ref('base_order_lines') }}

    ),

    customer_rfm as (

        select * from {{ ref('int_customer_rfm') }}

    ),

    rejected_transaction_rows as (

        select * from {{ ref('rejected_transaction_rows') }}

    ),

    file_line_counts as (

        select count(*) as transaction_lines
        from order_lines

    ),

    valid_line_counts as (

        -- 0 lines and the var's day (or NULL, when it is unset) when the
        -- rules kept no line at all, so that no customer has RFM.
        select
            coalesce(sum(sale_lines), 0)::bigint as sale_lines,
            coalesce(sum(return_lines), 0)::bigint as return_lines,
            -- The same day for every customer.
            coalesce(max(as_of_date), {{ rfm_as_of_date_sql() }})
                as as_of_date

        from customer_rfm

    ),

    rejected_line_counts as (

        select
            count(*) as rejected_transaction_lines,
        {%- for reason in reject_reason_names("order_lines") %}
            count(*) filter (where reject_reason = '{{ reason }}')
                as rejected_lines_{{ reason }}
            {{- "," if not loop.last }}
        {%- endfor %}

        from rejected_transaction_rows

    ),
{%- endif %}

row_counts as (

    select
        count(*) as input_rows,
        count(*) filter (where is_segmented) as segmented_rows,
        count(*) filter (where not is_segmented) as rejected_rows,
    {%- for reason in reject_reason_names("customers") %}
        count(*) filter (where reject_reason = '{{ reason }}')
            as rejected_{{ reason }}
        {{- "," if not loop.last }}
    {%- endfor %}

    from validated_rows

),

line_counts as (

    select
    {%- if order_lines_path is not none %}
        file_line_counts.transaction_lines,
        valid_line_counts.sale_lines,
        valid_line_counts.return_lines,
        rejected_line_counts.*,
        valid_line_counts.as_of_date

    from file_line_counts
    cross join valid_line_counts
    cross join rejected_line_counts
    {%- else %}
        null::bigint as transaction_lines,
        null::bigint as sale_lines,
        null::bigint as return_lines,
        null::bigint as rejected_transaction_lines,
    {%- for reason in reject_reason_names("order_lines") %}
        null::bigint as rejected_lines_{{ reason }},
    {%- endfor %}
        null::date as as_of_date
    {%- endif %}

),

selected_k as (

    select
        k as selected_k,
        selection_reason

    from k_evaluation
    where is_selected

),

scored_k_range as (

    -- The k values scored, not the vars: with few usable customers the
    -- search stops at usable rows - 1.
    select
        min(k) as k_min,
        max(k) as k_max

    from k_evaluation

),

summary as (

    select
        -- strings
        {{ sql_literal(customers_label) }} as input_source,
        array_to_string(settings.segmentation_features, ', ')
            as segmentation_features,
        array_to_string(settings.log_transformed_features, ', ')
            as log_transformed_features,
        selected_k.selection_reason,
        {{ sql_literal(order_lines_path) }}::varchar as transactions_source,
        {{ sql_literal(order_lines_currency()) }}::varchar as currency,
        -- numerics
        row_counts.*,
        selected_k.selected_k,
        scored_k_range.k_min,
        scored_k_range.k_max,
        settings.min_segments,
        settings.min_segment_share,
        settings.n_clusters,
        settings.random_seed,
        line_counts.*

    from row_counts
    cross join settings
    cross join selected_k
    cross join scored_k_range
    cross join line_counts

)

select * from summary
