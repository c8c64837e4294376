-- Every input row is either segmented or rejected with a reason, never both
-- and never neither: input rows = customer_segments + rejected_customer_rows.
with

input_rows as (

    select * from {{ ref('stg_customers') }}

),

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

rejected_customer_rows as (

    select * from {{ ref('rejected_customer_rows') }}

),

accounted as (

    select source_row_number from customer_segments
    union all
    select source_row_number from rejected_customer_rows

),

mismatches as (

    select
        input_rows.source_row_number,
        count(accounted.source_row_number) as times_accounted

    from input_rows
    left join accounted
        on input_rows.source_row_number = accounted.source_row_number
    group by input_rows.source_row_number
    having count(accounted.source_row_number) != 1

),

totals as (

    select
        null::bigint as source_row_number,
        (select count(*) from accounted) as times_accounted

    where (select count(*) from accounted) != (select count(*) from input_rows)

)

select * from mismatches
union all
select * from totals
