{#- One row per candidate k with the model-selection metrics, and the rule's
    choice as int_k_evaluation made it (segmentation.kmeans.select_k): which
    k are actionable, the selected k and why. -#}

with

k_evaluation as (

    select * from {{ ref('int_k_evaluation') }}

),

final as (

    select
        -- ids
        k,
        -- strings
        selection_reason,
        -- numerics
        inertia,
        silhouette,
        davies_bouldin,
        calinski_harabasz,
        evaluated_rows,
        smallest_segment_share,
        -- booleans
        is_actionable,
        is_selected

    from k_evaluation

)

select * from final
