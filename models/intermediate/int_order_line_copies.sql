{#- One row per order line that has an exact copy: every line of a group of
    lines identical in all eight values after cleaning, with the group's
    first line in file order. Rule `exact_duplicate` rejects every line of
    a group but its first (int_order_lines_validated). A table: the lines
    are hashed once here, and only the few candidates are compared. -#}
{%- set line_fields = order_line_input_columns() | map(attribute="name")
    | join(", ") -%}

with

order_lines as not materialized (

    -- Read twice (hashes, then candidates), each time straight from the
    -- loaded file: materializing every cleaned line would spill to disk.
    select * from {{ ref('stg_order_lines') }}

),

line_hashes as (

    -- Equal lines have equal hashes, so only lines whose hash repeats can
    -- be copies. Grouping by one 64-bit hash keeps this pass small.
    select hash({{ line_fields }}) as line_hash
    from order_lines

),

repeated_hashes as (

    select line_hash
    from line_hashes
    group by line_hash
    having count(*) > 1

),

copy_candidates as (

    select *
    from order_lines
    where hash({{ line_fields }}) in (
        select repeated_hashes.line_hash from repeated_hashes
    )

),

copy_groups as (

    -- The exact comparison, on the candidates only (a shared hash alone
    -- could be a collision). NULLs compare equal in a partition.
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
