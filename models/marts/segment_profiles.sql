{#- One row per segment: size, averages, gender mix, and the playbook's
    description and recommended action for its kind of segment. Averages
    of what the run has no input for are NULL. -#}
{%- set columns_by_feature = level_columns() -%}
{%- set level_columns = columns_by_feature.values() | list -%}
{#- The level columns of what the order lines measure: recency, frequency
    and spend. -#}
{%- set order_line_level_columns = [] -%}
{%- for feature in feature_names("order_lines")
    if feature in columns_by_feature -%}
    {%- do order_line_level_columns.append(columns_by_feature[feature]) -%}
{%- endfor -%}
{#- Every order-lines feature of the catalogue, clustered on or not, and
    the RFM quintile scores. -#}
{%- set rfm_averages = feature_names("order_lines")
    + ["r_score", "f_score", "m_score"] -%}

with

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

segments as (

    select * from {{ ref('int_segments_named') }}

),

playbook as (

    select * from {{ ref('stg_segment_playbook') }}

),

segment_statistics as (

    select
        segment_id,
        count(*) as customer_count,
        {{ exact_avg("age") }} as avg_age,
        {{ exact_avg("annual_income_k") }} as avg_annual_income_k,
        {{ exact_avg("spending_score") }} as avg_spending_score,
        {%- for column in rfm_averages %}
            {{ exact_avg(column) }} as avg_{{ column }},
        {%- endfor %}
        -- Share among customers whose gender is known.
        count(*) filter (where gender = 'Female')
        / nullif(count(gender), 0) as female_share

    from customer_segments
    group by segment_id

),

playbook_ranked as (

    -- The most specific rule wins; "any" matches every level, including a
    -- feature that was not used for clustering (NULL level). Between rules
    -- as specific, what customers bought (recency, frequency, spend from
    -- the order lines) outweighs their profile, then the lower rule id
    -- wins: a segment "Younger · Recent" is labelled by an RFM rule
    -- ("Recently active"), not by "Younger customers".
    select
        segments.segment_id,
        playbook.playbook_rule_id,
        playbook.playbook_label,
        playbook.description,
        playbook.recommended_action,
        row_number() over (
            partition by segments.segment_id
            order by
                {#- The levels a rule names, then its RFM levels. -#}
                {%- for columns in [level_columns, order_line_level_columns] %}
                    {%- for column in columns %}
                        (playbook.{{ column }} != 'any')::integer
                        {{- " +" if not loop.last else " desc," }}
                    {%- endfor %}
                {%- endfor %}
                playbook.playbook_rule_id
        ) as match_rank

    from segments
    inner join playbook
        on
    {%- for column in level_columns %}
            playbook.{{ column }} in ('any', segments.{{ column }})
            {{- " and" if not loop.last }}
    {%- endfor %}

),

segment_profiles as (

    select
        -- ids
        segments.segment_id,
        playbook_ranked.playbook_rule_id,
        -- strings
        segments.segment_name,
        {%- for column in level_columns %}
            segments.{{ column }},
        {%- endfor %}
        playbook_ranked.playbook_label,
        playbook_ranked.description,
        playbook_ranked.recommended_action,
        -- numerics
        segment_statistics.customer_count,
        segment_statistics.customer_count
        / sum(segment_statistics.customer_count) over () as customer_share,
        segment_statistics.avg_age,
        segment_statistics.avg_annual_income_k,
        segment_statistics.avg_spending_score,
        {%- for column in rfm_averages %}
            segment_statistics.avg_{{ column }},
        {%- endfor %}
        segment_statistics.female_share

    from segments
    inner join segment_statistics
        on segments.segment_id = segment_statistics.segment_id
    inner join playbook_ranked
        on
            segments.segment_id = playbook_ranked.segment_id
            and playbook_ranked.match_rank = 1

)

select * from segment_profiles
