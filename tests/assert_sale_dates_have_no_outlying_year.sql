-- Warns when the first or the last day with a sale line is more than a
-- year from the next such day: a mistyped year (2101 for 2011) would
-- otherwise set as_of_date, and with it every customer's recency, from one
-- line, or give its customer a tenure of centuries. Lines on or after a set
-- as_of_date are rejected before they get here.
{{ config(
    enabled=var('raw_transactions_path') is not none,
    severity='warn',
) }}

with

invoice_months as (

    select * from {{ ref('int_customer_invoice_months') }}

),

sale_days as (

    -- A group is one customer's invoice in one calendar month, so a line
    -- a year from the rest is its group's first or last sale.
    select cast(first_sale_at as date) as sale_day
    from invoice_months
    where first_sale_at is not null

    union

    select cast(last_sale_at as date) as sale_day
    from invoice_months
    where last_sale_at is not null

),

ranked as (

    select
        sale_day,
        row_number() over (order by sale_day) as from_first,
        row_number() over (order by sale_day desc) as from_last

    from sale_days

),

ends as (

    select
        max(sale_day) filter (where from_first = 1) as first_day,
        max(sale_day) filter (where from_first = 2) as second_day,
        max(sale_day) filter (where from_last = 2) as next_to_last_day,
        max(sale_day) filter (where from_last = 1) as last_day

    from ranked

)

select
    'first sale line' as file_end,
    first_day as sale_day,
    second_day - first_day as days_to_the_next

from ends
where second_day - first_day > 365

union all

select
    'last sale line' as file_end,
    last_day as sale_day,
    last_day - next_to_last_day as days_to_the_next

from ends
where last_day - next_to_last_day > 365
