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

    validated_order_lines as (

        select * from {{ ref('int_order_lines_validated') }}

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
            count(*) as transaction_lines,
            count(*) filter (where is_sale_line) as sale_lines,
            count(*) filter (where is_return_line) as return_lines,
            count(*) filter (where reject_reason is not null)
                as rejected_transaction_lines,
        {%- for reason in reject_reason_names("order_lines") %}
            count(*) filter (where reject_reason = '{{ reason }}')
                as rejected_lines_{{ reason }}
            {{- "," if not loop.last }}
        {%- endfor %}

        from validated_order_lines
    {%- else %}
        null::bigint as transaction_lines,
        null::bigint as sale_lines,
        null::bigint as return_lines,
        null::bigint as rejected_transaction_lines,
    {%- for reason in reject_reason_names("order_lines") %}
        null::bigint as rejected_lines_{{ reason }}
        {{- "," if not loop.last }}
    {%- endfor %}
    {%- endif %}

),

selected_k as (

    select
        k as selected_k,
        selection_reason

    from k_evaluation
    where is_selected

),

summary as (

    select
        -- strings
        {{ sql_literal(customers_label) }} as input_source,
        array_to_string(settings.segmentation_features, ', ')
            as segmentation_features,
        selected_k.selection_reason,
        {{ sql_literal(order_lines_path) if order_lines_path is not none
            else "null" }}::varchar as transactions_source,
        -- numerics
        row_counts.*,
        selected_k.selected_k,
        settings.k_min,
        settings.k_max,
        settings.n_clusters,
        settings.random_seed,
        line_counts.*

    from row_counts
    cross join settings
    cross join selected_k
    cross join line_counts

)

select * from summary
