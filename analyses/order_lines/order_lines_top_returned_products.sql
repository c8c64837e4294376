{#- Order lines: the products returned for the most money, with what was
    sold of them, over the whole file. A product's returns can exceed its
    sales when they undo sales made before the file starts. Equal values
    are ranked by stock code. -#}
{%- set top_n = 10 -%}

with

validated_lines as (

    select * from {{ ref('int_order_lines_validated') }}

),

valid_lines as (

    select *
    from validated_lines
    where is_sale_line or is_return_line

),

descriptions as (

    {{ product_descriptions("valid_lines") }}

),

products as (

    select
        stock_code,
        count(*) filter (where is_return_line) as return_lines,
        count(distinct customer_id) filter (
            where is_return_line
        ) as returning_customers,
        coalesce(
            sum(-quantity) filter (where is_return_line), 0
        ) as returned_quantity,
        coalesce(
            sum(-line_amount) filter (where is_return_line), 0
        ) as returned_value,
        coalesce(
            sum(quantity) filter (where is_sale_line), 0
        ) as quantity_sold,
        coalesce(sum(line_amount) filter (where is_sale_line), 0) as revenue

    from valid_lines
    group by stock_code
    having count(*) filter (where is_return_line) > 0

),

ranked as (

    select
        row_number() over (
            order by returned_value desc, stock_code asc
        ) as product_rank,
        *

    from products
    qualify product_rank <= {{ top_n }}

),

final as (

    select
        ranked.product_rank,
        ranked.stock_code,
        descriptions.description,
        ranked.return_lines,
        ranked.returning_customers,
        cast(ranked.returned_quantity as bigint) as returned_quantity,
        cast(ranked.returned_value as decimal(38, 6)) as returned_value,
        cast(ranked.quantity_sold as bigint) as quantity_sold,
        cast(ranked.revenue as decimal(38, 6)) as revenue,
        ranked.returned_value / nullif(ranked.revenue, 0)
            as returned_share_of_revenue

    from ranked
    left join descriptions
        on ranked.stock_code = descriptions.stock_code

)

select * from final
order by product_rank
