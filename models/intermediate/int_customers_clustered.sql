{#- Each customer's nearest centroid, in plain SQL: the same rule a SQL user
    can apply to a new customer with marts.segment_centroids. Distances are
    Euclidean in z-score units, the space K-Means was fitted in. -#}
{%- set features = segmentation_features() -%}

with

customer_features as (

    select * from {{ ref('int_customer_features') }}

),

centroids as (

    select * from {{ ref('int_segment_centroids') }}

),

centroids_wide as (

    select
        segment_id,
    {%- for feature in features %}
        max(centroid_z) filter (where feature = '{{ feature }}')
            as {{ feature }}_z
        {{- "," if not loop.last }}
    {%- endfor %}

    from centroids
    group by segment_id

),

distances as (

    select
        customer_features.customer_id,
        centroids_wide.segment_id,
        sqrt(
            {%- for feature in features %}
                power(
                    customer_features.{{ feature }}_z
                    - centroids_wide.{{ feature }}_z,
                    2
                ){{ " +" if not loop.last }}
            {%- endfor %}
        ) as distance

    from customer_features
    cross join centroids_wide

),

nearest as (

    select
        customer_id,
        -- Ties go to the lower segment id, so the result is deterministic.
        arg_min(segment_id, row(distance, segment_id)) as segment_id,
        min(distance) as distance_to_centroid

    from distances
    group by customer_id

)

select * from nearest
