{#- A name per segment from where its centroid sits against the whole
    population (z-score bands), e.g. "High income · Low spending" or
    "Recent · Frequent · High spend" (words: macros/feature_catalogue.sql).
    Names are made unique: colliding names use finer bands, then a number. -#}
{%- set level_columns = level_columns() -%}

with

centroids as (

    select * from {{ ref('int_segment_centroids') }}

),

scaling as (

    select * from {{ ref('int_feature_scaling') }}

),

banded as (

    select
        centroids.segment_id,
        centroids.feature,
        scaling.feature_position,
        case
            when centroids.centroid_z >= 0.5 then 'high'
            when centroids.centroid_z <= -0.5 then 'low'
            else 'average'
        end as coarse_level,
        case
            when centroids.centroid_z >= 1.5 then 'very high'
            when centroids.centroid_z >= 0.5 then 'high'
            when centroids.centroid_z <= -1.5 then 'very low'
            when centroids.centroid_z <= -0.5 then 'low'
            else 'average'
        end as fine_level

    from centroids
    inner join scaling
        on centroids.feature = scaling.feature

),

worded as (

    select
        *,
        {{ segment_word("feature", "coarse_level") }} as coarse_word,
        {{ segment_word("feature", "fine_level") }} as fine_word

    from banded

),

named as (

    select
        segment_id,
        string_agg(coarse_word, ' · ' order by feature_position) as coarse_name,
        string_agg(fine_word, ' · ' order by feature_position) as fine_name,
        -- NULL for a feature that was not used to cluster.
    {%- for feature, column in level_columns.items() %}
        max(coarse_level) filter (where feature = '{{ feature }}')
            as {{ column }}
        {{- "," if not loop.last }}
    {%- endfor %}

    from worded
    group by segment_id

),

coarse_or_fine as (

    select
        *,
        case
            when count(*) over (partition by coarse_name) = 1 then coarse_name
            else fine_name
        end as candidate_name

    from named

),

unique_names as (

    select
        segment_id,
        case
            when count(*) over (partition by candidate_name) = 1
                then candidate_name
            else
                candidate_name || ' (' || row_number() over (
                    partition by candidate_name order by segment_id
                ) || ')'
        end as segment_name,
    {%- for column in level_columns.values() %}
        {{ column }}
        {{- "," if not loop.last }}
    {%- endfor %}

    from coarse_or_fine

)

select * from unique_names
