{#- Each customer's nearest centroid, in plain SQL: the same rule a SQL user
    can apply to a new customer with marts.segment_centroids. Distances are
    Euclidean in z-score units, the space K-Means was fitted in.
    A view: customer_segments is its one reader, so the distances are
    computed once, inside that build, instead of being written to a table
    of every customer first. -#}
{{ config(materialized="view") }}
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

centroid_list as (

    -- Every centroid in one row, in segment order: each customer is then
    -- compared with k centroids in a single pass, with no join fan-out and no
    -- aggregation over all customers.
    select
        list(
            [
                {%- for feature in features -%}
                    {{ feature }}_z{{ ", " if not loop.last }}
                {%- endfor -%}
            ]
            order by segment_id
        ) as centroid_vectors,
        list(segment_id order by segment_id) as segment_ids

    from centroids_wide

),

customers_with_centroids as (

    select
        customer_features.*,
        centroid_list.*

    from customer_features
    cross join centroid_list

),

distances as (

    select
        customer_id,
        segment_ids,
        list_transform(
            centroid_vectors,
            lambda centroid: sqrt(
                {%- for feature in features %}
                    power({{ feature }}_z - centroid[{{ loop.index }}], 2)
                    {{- " +" if not loop.last }}
                {%- endfor %}
            )
        ) as distances

    from customers_with_centroids

),

nearest as (

    select
        customer_id,
        -- The first smallest distance: ties go to the lower segment id, so
        -- the result is deterministic.
        segment_ids[list_position(distances, list_min(distances))]
            as segment_id,
        list_min(distances) as distance_to_centroid

    from distances

)

select * from nearest
