{#- The marketing playbook as the store edits it, one row per rule. A table,
    not a view: DuckDB enforces the contract's constraints (levels, required
    text, unique rules) only on tables, and it does so while the table is
    built, so a bad edit stops the build at once instead of queueing a dozen
    test queries ahead of the customer data. -#}
{{ config(materialized="table") }}

with

source as (

    select * from {{ ref('segment_playbook') }}

),

playbook as (

    select
        -- ids
        playbook_rule_id,
        -- strings
        age_level,
        income_level,
        spending_level,
        recency_level,
        frequency_level,
        monetary_level,
        playbook_label,
        description,
        recommended_action

    from source

)

select * from playbook
