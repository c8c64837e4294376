{#- One row per order line that has an exact copy: every line of a group of
    lines identical in all eight values after cleaning, with the group's
    first line in file order. Rule `exact_duplicate` rejects every line of
    a group but its first (int_order_lines_validated). A table: only the
    few candidates are compared. On 10M lines here this took 2.0 to 2.2 s
    (3.9 to 4.3 s of CPU) where hashing all eight values of every line,
    grouping the hashes and reading every line again took 4.0 to 4.7 s
    (7.7 to 8.1 s of CPU). -#}
{%- set line_fields = order_line_input_columns() | map(attribute="name")
    | join(", ") -%}

with

order_lines as not materialized (

    -- Read three times, each time straight from the loaded file:
    -- materializing every cleaned line would spill to disk.
    select * from {{ ref('stg_order_lines') }}

),

line_keys as not materialized (

    -- Copies share their invoice and stock code, so only lines whose pair
    -- repeats can be copies: about 4 % of the public file's lines. Reading
    -- the two codes, DuckDB computes no other column of the staging view,
    -- so this pass parses no number or date. Read twice rather than held:
    -- a key for every line would take 1.6 GB at 100M lines.
    select
        source_line_number,
        hash(invoice_no, stock_code) as line_key

    from order_lines

),

sorted_keys as (

    -- In key order a repeated key sits next to its copy. Sorting the keys
    -- cost 0.6 s for 10M lines here, grouping by them 2.7 s (100M: 13 s
    -- and 15 s, within the same memory).
    select
        line_key,
        lag(line_key) over (order by line_key) as previous_key

    from line_keys

),

repeated_keys as (

    select distinct line_key
    from sorted_keys
    where line_key = previous_key

),

candidate_line_numbers as (

    select source_line_number
    from line_keys
    where line_key in (select repeated_keys.line_key from repeated_keys)

),

copy_candidates as (

    -- The one pass that parses every value of every line.
    select *
    from order_lines
    where source_line_number in (
        select candidate_line_numbers.source_line_number
        from candidate_line_numbers
    )

),

copy_groups as (

    -- The exact comparison, on the candidates only (a shared key alone
    -- could be a collision, or the same product twice on an invoice).
    -- NULLs compare equal in a partition.
    select
        source_line_number,
        min(source_line_number) over exact_copies as first_copy_line_number,
        count(*) over exact_copies as copies_in_group

    from copy_candidates
    window exact_copies as (partition by {{ line_fields }})

),

final as (

    select
        source_line_number,
        first_copy_line_number

    from copy_groups
    where copies_in_group > 1

)

select * from final
