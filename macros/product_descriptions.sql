{% macro product_descriptions(lines) -%}
    {#- One row per stock code in `lines` (a CTE with stock_code and
        description): the description written on most of its lines, ties
        going to the first alphabetically. One code can carry several
        descriptions in a file (a product renamed, a typo corrected), and a
        ranking of products needs one name for each. -#}
    select
        stock_code,
        description

    from {{ lines }}
    where description is not null
    group by stock_code, description
    qualify row_number() over (
        partition by stock_code
        order by count(*) desc, description asc
    ) = 1
{%- endmacro %}
