{#- One row describing the last successful build: the input, how many rows
    were segmented or rejected (and why), and the clustering settings. -#}

with

validated_rows as (

    select * from {{ ref('int_customer_rows_validated') }}

),

settings as (

    select * from {{ ref('int_segmentation_settings') }}

),

k_evaluation as (

    select * from {{ ref('k_evaluation') }}

),

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
        {{ sql_literal(customer_input_label()) }} as input_source,
        array_to_string(settings.segmentation_features, ', ')
            as segmentation_features,
        selected_k.selection_reason,
        -- numerics
        row_counts.*,
        selected_k.selected_k,
        settings.k_min,
        settings.k_max,
        settings.n_clusters,
        settings.random_seed

    from row_counts
    cross join settings
    cross join selected_k

)

select * from summary
