{#- The RFM segment map as the store edits it: one row per cell of the
    recency score × frequency-and-spend score grid. A table, like
    stg_segment_playbook, so that DuckDB enforces the contract's constraints
    while it builds and a bad edit stops the build at once. -#}
{{ config(materialized="table") }}

with

source as (

    select * from {{ ref('rfm_segments') }}

),

segment_map as (

    select
        -- strings
        rfm_segment,
        -- numerics
        r_score,
        fm_score

    from source

)

select * from segment_map
