-- Every segmented customer is counted in exactly one segment profile.
with

profiles as (

    select * from {{ ref('segment_profiles') }}

),

customers as (

    select * from {{ ref('customer_segments') }}

),

totals as (

    select
        (select sum(profiles.customer_count) from profiles) as profiled,
        (select count(*) from customers) as segmented

)

select * from totals
where profiled is distinct from segmented
