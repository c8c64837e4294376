{#- One row per segment and clustering feature: the centroid in the
    feature's own units and in z-score units, with the scaling that links
    them. Enough to assign a new customer to a segment in plain SQL. -#}

with

centroids as (

    select * from {{ ref('int_segment_centroids') }}

),

scaling as (

    select * from {{ ref('int_feature_scaling') }}

),

segments as (

    select * from {{ ref('int_segments_named') }}

),

segment_centroids as (

    select
        -- ids
        centroids.segment_id,
        -- strings
        segments.segment_name,
        centroids.feature,
        scaling.transformation,
        -- numerics
        case scaling.transformation
            when 'log1p'
                then
                    exp(
                        centroids.centroid_z * scaling.scaling_std
                        + scaling.scaling_mean
                    ) - 1
            else
                centroids.centroid_z * scaling.scaling_std
                + scaling.scaling_mean
        end as centroid_value,
        centroids.centroid_z,
        scaling.scaling_mean,
        scaling.scaling_std,
        scaling.feature_position

    from centroids
    inner join scaling
        on centroids.feature = scaling.feature
    inner join segments
        on centroids.segment_id = segments.segment_id

)

select * from segment_centroids
