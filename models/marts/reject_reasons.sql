{#- One row per reject reason and input, from the one list of them in
    macros/reject_reasons.sql: what each means and the order the rules run.
    Power BI sorts and labels the rejected rows with it. The order-lines
    rules are listed whether or not a run reads an order-lines file. -#}

with

reasons as (

    select rules.*
    from (
        values
        {%- for input_name in ["customers", "order_lines"] %}
            {%- set last_input = loop.last %}
            {%- for rule in reject_reasons(input_name) %}
                (
                    {{ sql_literal(rule.reason) }},
                    {{ sql_literal(input_name) }},
                    {{ sql_literal(rule.description) }},
                    {{ sql_literal(rule.detail) }},
                    {{ sql_literal(rule.feature or "") }},
                    {{ loop.index }}
                ){{ "," if not (loop.last and last_input) }}
            {%- endfor %}
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
        -- ids
        {{ reject_reason_key("input_name") }} as reject_reason_key,
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
