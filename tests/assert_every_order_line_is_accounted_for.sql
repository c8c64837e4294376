-- Every line of the order-lines file is exactly one of a sale line, a return
-- line or a row of rejected_transaction_rows. int_order_lines_validated holds
-- one row per line (left joins only on stg_order_lines), numbered 1..N in
-- file order, N its row count; the test fails on a line in two places, in
-- none, or outside 1..N.
{{ config(enabled=var('raw_transactions_path') is not none) }}

with

validated_lines as (

    select * from {{ ref('int_order_lines_validated') }}

),

rejected_transaction_rows as (

    select * from {{ ref('rejected_transaction_rows') }}

),

line_count as (

    select count(*) as line_count from validated_lines

),

accounted as (

    select source_line_number from validated_lines
    where is_sale_line
    union all
    select source_line_number from validated_lines
    where is_return_line
    union all
    select source_line_number from rejected_transaction_rows

),

times_accounted as (

    select
        source_line_number,
        count(*) as times_accounted

    from accounted
    group by source_line_number

),

-- A line in two places, or not from the file at all.
miscounted_lines as (

    select times_accounted.*

    from times_accounted
    cross join line_count
    where
        times_accounted.times_accounted != 1
        or times_accounted.source_line_number is null
        or times_accounted.source_line_number
        not between 1 and line_count.line_count

),

-- Lines in no place show as fewer distinct lines than the file has.
unaccounted_total as (

    select
        null::bigint as source_line_number,
        (select count(*) from times_accounted) as times_accounted

    from line_count
    where (select count(*) from times_accounted) != line_count.line_count

)

select * from miscounted_lines
union all
select * from unaccounted_total
