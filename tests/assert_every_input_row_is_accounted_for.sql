-- Every customer row is either segmented or rejected with a reason, never
-- both and never neither: int_customers_joined = customer_segments +
-- rejected_customer_rows. int_customers_joined holds each row of the
-- customer file once (numbered 1..N in file order) and each customer known
-- only from the order lines once (no row number, a unique customer id), so
-- a row is identified by its row number and customer id together.
-- Order lines have their own test, assert_every_order_line_is_accounted_for.
with

customers as (

    select * from {{ ref('int_customers_joined') }}

),

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

rejected_customer_rows as (

    select * from {{ ref('rejected_customer_rows') }}

),

expected as (

    select
        source_row_number,
        customer_id,
        count(*) as times_expected

    from customers
    group by source_row_number, customer_id

),

accounted as (

    select
        source_row_number,
        customer_id
    from customer_segments
    union all
    select
        source_row_number,
        customer_id
    from rejected_customer_rows

),

times_accounted as (

    select
        source_row_number,
        customer_id,
        count(*) as times_accounted

    from accounted
    group by source_row_number, customer_id

),

-- The file's rows are 1..N, each once: none lost or repeated on the way.
-- Its one row of failure has miscounted's columns, with no row number or
-- id: times_expected holds how many rows are numbered, times_accounted the
-- largest number (equal when nothing is lost).
file_row_gaps as (

    select
        null::bigint as source_row_number,
        null::bigint as customer_id,
        count(source_row_number) as times_expected,
        max(source_row_number) as times_accounted

    from customers
    having
        count(source_row_number) != count(distinct source_row_number)
        or count(source_row_number) != coalesce(max(source_row_number), 0)

),

-- A row in both marts, twice in one, in neither, or not from the inputs.
miscounted as (

    select
        coalesce(expected.source_row_number, times_accounted.source_row_number)
            as source_row_number,
        coalesce(expected.customer_id, times_accounted.customer_id)
            as customer_id,
        expected.times_expected,
        times_accounted.times_accounted

    from expected
    full outer join times_accounted
        on
            expected.source_row_number
            is not distinct from times_accounted.source_row_number
            and expected.customer_id
            is not distinct from times_accounted.customer_id
    where
        expected.times_expected is distinct from 1
        or times_accounted.times_accounted is distinct from 1

)

select * from miscounted
union all
select * from file_row_gaps
