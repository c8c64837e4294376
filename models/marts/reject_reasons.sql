{#- One row per reject reason, from the one list of them in
    macros/reject_reasons.sql: what each means and the order the rules run.
    Power BI sorts and labels the rejected rows with it. -#}

with

reasons as (

    select rules.*
    from (
        values
        {%- for rule in reject_reasons("customers") %}
            (
                {{ sql_literal(rule.reason) }},
                'customers',
                {{ sql_literal(rule.description) }},
                {{ sql_literal(rule.detail) }},
                {{ sql_literal(rule.feature or "") }},
                {{ loop.index }}
            ){{ "," if not loop.last }}
        {%- endfor %}
    ) as rules (
        reject_reason,
        input_name,
        description,
        detail_template,
        clustering_feature,
        rule_order
    )

),

final as (

    select
        -- strings
        reject_reason,
        input_name,
        description,
        detail_template,
        nullif(clustering_feature, '') as clustering_feature,
        -- numerics
        cast(rule_order as integer) as rule_order

    from reasons

)

select * from final
