-- Warns when more than 365 days pass between two days with valid order
-- lines (sales or returns): a mistyped year (2101 or 1911 for 2011) would
-- otherwise set as_of_date, and with it every customer's recency, or
-- stretch segment_monthly_sales over a century of empty months. Lines on
-- or after a set as_of_date are rejected before they get here. A warning
-- is explained in one line (macros/explain_year_long_gaps.sql).
{{ config(severity='warn') }}

with

invoice_months as (

    select * from {{ ref('int_customer_invoice_months') }}

),

line_days as (

    -- A group is one customer's invoice in one calendar month, so a line
    -- a year from the rest is its group's first or last line.
    select cast(first_line_at as date) as line_day
    from invoice_months

    union

    select cast(last_line_at as date) as line_day
    from invoice_months

),

gaps as (

    select
        lag(line_day) over (order by line_day) as day_before_the_gap,
        line_day as day_after_the_gap

    from line_days

),

final as (

    select
        day_before_the_gap,
        day_after_the_gap,
        day_after_the_gap - day_before_the_gap as days_without_a_line

    from gaps
    where day_after_the_gap - day_before_the_gap > 365

)

select * from final
