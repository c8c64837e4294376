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
        settings.min_segments,
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
            -- The rule's fallbacks (segmentation.kmeans.select_k), told
            -- first even where the fallback's pick is the best of all k:
            -- the rule picks a k that is not actionable only when none is.
            -- No k met the share limit, so it was dropped; then no k had
            -- min_segments segments either, so that limit was dropped too.
            when not is_actionable and k >= min_segments
                then 'no actionable k: best silhouette with enough segments'
            when not is_actionable
                then 'no k with enough segments: best silhouette'
            when silhouette = max(silhouette) over () then 'best silhouette'
            -- A better silhouette was not actionable.
            else 'best silhouette among actionable k'
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
