{#- One row per candidate k with the model-selection metrics. -#}

with

k_evaluation as (

    select * from {{ ref('int_k_evaluation') }}

),

settings as (

    select * from {{ ref('int_segmentation_settings') }}

),

labelled as (

    select
        -- ids
        k_evaluation.k,
        -- strings
        case
            when not k_evaluation.is_selected then null
            when settings.n_clusters is not null then 'forced by n_clusters'
            when
                k_evaluation.silhouette
                = max(k_evaluation.silhouette) over ()
                then 'best silhouette'
            -- A better silhouette was not actionable (is_actionable).
            else 'best silhouette among actionable k'
        end as selection_reason,
        -- numerics
        k_evaluation.inertia,
        k_evaluation.silhouette,
        k_evaluation.davies_bouldin,
        k_evaluation.calinski_harabasz,
        k_evaluation.evaluated_rows,
        k_evaluation.smallest_segment_share,
        -- booleans
        k_evaluation.k >= settings.min_segments
        and k_evaluation.smallest_segment_share >= settings.min_segment_share
            as is_actionable,
        k_evaluation.is_selected

    from k_evaluation
    cross join settings

)

select * from labelled
