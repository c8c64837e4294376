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

-- Each row once as expected (from the input) and once per mart that holds
-- it: one pass over the three, grouped once, with no join.
places as (

    select
        source_row_number,
        customer_id,
        true as is_expected,
        false as is_accounted
    from customers
    union all
    select
        source_row_number,
        customer_id,
        false as is_expected,
        true as is_accounted
    from customer_segments
    union all
    select
        source_row_number,
        customer_id,
        false as is_expected,
        true as is_accounted
    from rejected_customer_rows

),

-- A row in both marts, twice in one, in neither, or not from the inputs.
miscounted as (

    select
        source_row_number,
        customer_id,
        count_if(is_expected) as times_expected,
        count_if(is_accounted) as times_accounted

    from places
    group by source_row_number, customer_id
    having count_if(is_expected) != 1 or count_if(is_accounted) != 1

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

)

select * from miscounted
union all
select * from file_row_gaps
