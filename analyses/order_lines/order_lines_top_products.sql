{#- Order lines: the best-selling products, twice over: the top ones by
    revenue and the top ones by units sold, one row per ranking and place.
    Rankings are on sale lines (gross of returns); what came back is shown
    beside them. Equal values are ranked by stock code. -#}
{%- set top_n = 10 -%}
{%- set rankings = ["revenue", "quantity_sold"] -%}

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

    -- Products with a sale line; their returns alongside.
    select
        stock_code,
        sum(quantity) filter (where is_sale_line) as quantity_sold,
        sum(line_amount) filter (where is_sale_line) as revenue,
        count(*) filter (where is_sale_line) as sale_lines,
        count(distinct invoice_no) filter (where is_sale_line) as invoices,
        count(distinct customer_id) filter (where is_sale_line) as customers,
        coalesce(
            sum(-quantity) filter (where is_return_line), 0
        ) as returned_quantity,
        coalesce(
            sum(-line_amount) filter (where is_return_line), 0
        ) as returned_value

    from valid_lines
    group by stock_code
    having count(*) filter (where is_sale_line) > 0

),

ranked as (

    {%- for ranking in rankings %}
        select
            '{{ ranking }}' as ranking,
            {{ loop.index }} as ranking_position,
            row_number() over (
                order by {{ ranking }} desc, stock_code asc
            ) as product_rank,
            *
        from products
        qualify product_rank <= {{ top_n }}
        {{ "union all" if not loop.last }}
    {%- endfor %}

),

final as (

    select
        ranked.ranking,
        ranked.product_rank,
        ranked.stock_code,
        descriptions.description,
        cast(ranked.quantity_sold as bigint) as quantity_sold,
        cast(ranked.revenue as decimal(38, 6)) as revenue,
        ranked.sale_lines,
        ranked.invoices,
        ranked.customers,
        cast(ranked.returned_quantity as bigint) as returned_quantity,
        cast(ranked.returned_value as decimal(38, 6)) as returned_value,
        ranked.ranking_position

    from ranked
    left join descriptions
        on ranked.stock_code = descriptions.stock_code

)

select * exclude (ranking_position) from final
order by ranking_position, product_rank
