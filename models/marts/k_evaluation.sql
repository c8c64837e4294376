{#- One row per candidate k with the model-selection metrics. -#}

with

k_evaluation as (

    select * from {{ ref('int_k_evaluation') }}

),

settings as (

    select * from {{ ref('int_segmentation_settings') }}

),

judged as (

    select
        k_evaluation.*,
        settings.n_clusters,
        k_evaluation.k >= settings.min_segments
        and k_evaluation.smallest_segment_share >= settings.min_segment_share
            as is_actionable

    from k_evaluation
    cross join settings

),

labelled as (

    select
        -- ids
        k,
        -- strings
        case
            when not is_selected then null
            when n_clusters is not null then 'forced by n_clusters'
            when silhouette = max(silhouette) over () then 'best silhouette'
            -- A better silhouette was not actionable.
            when is_actionable then 'best silhouette among actionable k'
            -- The rule's fallback (segmentation.kmeans.select_k): no k met
            -- the share limit, so it was dropped.
            else 'no actionable k: best silhouette with enough segments'
        end as selection_reason,
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

    from judged

)

select * from labelled
