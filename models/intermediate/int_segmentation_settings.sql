{#- The checked clustering vars as one row, so that the Python models read
    settings from a table and the run summary can show what was used. -#}
{%- set settings = segmentation_settings() -%}

with

settings as (

    select
        [
            {%- for feature in settings.features -%}
                '{{ feature }}'{{ ", " if not loop.last }}
            {%- endfor -%}
        ]::varchar[] as segmentation_features,
        [
            {%- for feature in settings.log_transformed_features -%}
                '{{ feature }}'{{ ", " if not loop.last }}
            {%- endfor -%}
        ]::varchar[] as log_transformed_features,
        {{ settings.k_min }}::integer as k_min,
        {{ settings.k_max }}::integer as k_max,
        {{ settings.min_segments }}::integer as min_segments,
        {{ settings.min_segment_share }}::double as min_segment_share,
        {{ "null" if settings.n_clusters is none else settings.n_clusters }}
        ::integer as n_clusters,
        {{ settings.random_seed }}::bigint as random_seed,
        {{ settings.model_selection_sample_rows }}::bigint
            as model_selection_sample_rows,
        {{ settings.silhouette_sample_rows }}::bigint as silhouette_sample_rows

)

select * from settings
