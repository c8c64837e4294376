-- Every input row is either segmented or rejected with a reason, never both
-- and never neither: input rows = customer_segments + rejected_customer_rows.
-- int_customer_rows_validated holds one row per input row (left joins only
-- on stg_customers; its unit tests check every fixture row comes out once),
-- numbered 1..N in file order, so "every input row exactly once" means: the
-- two marts together hold each of 1..N once. N is its row count, read from
-- the built table, so the test checks the input the marts were built from
-- whatever vars it is run with. The pytest end-to-end runs compare the marts
-- with the file's own row count.
with

validated_rows as (

    select * from {{ ref('int_customer_rows_validated') }}

),

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

rejected_customer_rows as (

    select * from {{ ref('rejected_customer_rows') }}

),

input_row_count as (

    select count(*) as row_count from validated_rows

),

accounted as (

    select source_row_number from customer_segments
    union all
    select source_row_number from rejected_customer_rows

),

times_accounted as (

    select
        source_row_number,
        count(*) as times_accounted

    from accounted
    group by source_row_number

),

-- A row in both marts, twice in one, or not from the input at all.
miscounted_rows as (

    select times_accounted.*

    from times_accounted
    cross join input_row_count
    where
        times_accounted.times_accounted != 1
        or times_accounted.source_row_number is null
        or times_accounted.source_row_number
        not between 1 and input_row_count.row_count

),

-- Input rows in neither mart show as fewer distinct rows than the input.
unaccounted_total as (

    select
        null::bigint as source_row_number,
        (select count(*) from times_accounted) as times_accounted

    from input_row_count
    where (select count(*) from times_accounted) != input_row_count.row_count

)

select * from miscounted_rows
union all
select * from unaccounted_total
