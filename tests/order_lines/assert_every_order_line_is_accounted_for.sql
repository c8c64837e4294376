-- Every line of the order-lines file is exactly one of a sale line, a return
-- line or a row of rejected_transaction_rows. int_order_lines_validated has
-- one row per line of base_order_lines (numbered 1..N in file order; the
-- copies it joins are unique per line, a test on int_order_line_copies). So
-- one pass over it, joined to the rejected lines, finds a line in two
-- places or in none, and the rejected rows numbered outside 1..N are not
-- lines of the file.
with

validated_lines as (

    select * from {{ ref('int_order_lines_validated') }}

),

rejected_transaction_rows as (

    select * from {{ ref('rejected_transaction_rows') }}

),

rejected_lines as (

    -- Few rows: a line listed twice is counted here, not by a pass over
    -- every line.
    select
        source_line_number,
        count(*) as times_rejected

    from rejected_transaction_rows
    group by source_line_number

),

line_count as (

    select count(*) as line_count from {{ ref('base_order_lines') }}

),

places as (

    -- The few rejected lines are the join's hash table; every line streams
    -- past it once.
    select
        validated_lines.source_line_number,
        false as is_outside_the_file,
        coalesce(validated_lines.is_sale_line::int, 0)
        + coalesce(validated_lines.is_return_line::int, 0)
        + coalesce(rejected_lines.times_rejected, 0) as times_accounted

    from validated_lines
    left join rejected_lines
        on
            validated_lines.source_line_number
            = rejected_lines.source_line_number

),

-- A line in two places, or in none.
miscounted_lines as (

    select * from places
    where times_accounted != 1

),

-- The validated lines are the file's lines 1..N, so a rejected row with
-- another number is not a line of the file.
lines_outside_the_file as (

    select
        rejected_lines.source_line_number,
        true as is_outside_the_file,
        rejected_lines.times_rejected as times_accounted

    from rejected_lines
    cross join line_count
    where
        rejected_lines.source_line_number is null
        or rejected_lines.source_line_number
        not between 1 and line_count.line_count

)

select * from miscounted_lines
union all
select * from lines_outside_the_file
