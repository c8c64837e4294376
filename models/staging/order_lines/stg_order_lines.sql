{#- One row per order line of the file named by `raw_transactions_path`
    (as loaded by base_order_lines): the raw text kept for the rejects mart,
    the trimmed text with missing markers as NULL, and each value parsed
    once (NULL when missing or invalid). Enabled only when the var is set. -#}

{%- set columns = order_line_input_columns() -%}
{%- set trimmed_columns = input_column_names("order_lines", "_trimmed") -%}

with

order_lines as (

    -- A row's position in the loaded table is its line's place in the file
    -- (base_order_lines); line 1 is the first after the header.
    select
        rowid + 1 as source_line_number,
        *
    from {{ ref('base_order_lines') }}

),

trimmed as (

    select
        *,
    {%- for column in columns %}
        {{ trimmed(column.name ~ "_raw") }} as {{ column.name }}_trimmed
        {{- "," if not loop.last }}
    {%- endfor %}

    from order_lines

),

cleaned_text as (

    select
        * exclude ({{ trimmed_columns | join(", ") }}),
    {%- for column in columns %}
        {{ null_if_missing(column.name ~ "_trimmed") }}
            as {{ column.name }}_text
        {{- "," if not loop.last }}
    {%- endfor %}

    from trimmed

),

numbers as (

    -- Each numeric text cast once (NULL when it is not a number). Prices
    -- are exact to six decimals for the rules and the duplicate search: the
    -- public file's have at most three, and a price in fractions of a cent
    -- (0.0004) is a price above 0.
    select
        *,
        {{ try_cast_number("customer_id_text", "double") }}
            as customer_id_number,
        {{ try_cast_number("quantity_text", "double") }} as quantity_number,
        {{ try_cast_number("unit_price_text", "decimal(18, 6)") }}
            as unit_price_number

    from cleaned_text

),

typed as (

    select
        * exclude (customer_id_number, quantity_number, unit_price_number),
        -- 17850.0 is customer 17850. A double holds every whole number
        -- and half below 2^52 exactly; a larger id is read again as an
        -- exact decimal, so that two ids above 2^53 never merge. The
        -- comparison costs nothing on the ids of a real store, where an
        -- exact parse of every id cost more than the double.
        case
            when customer_id_number >= 4503599627370496
                then {{ positive_whole_number(
                    exact_id_number("customer_id_text")) }}
            else {{ positive_whole_number("customer_id_number") }}
        end as customer_id,
        -- Invoices and stock codes compare upper-case: c536379 is C536379.
        upper(invoice_no_text) as invoice_no,
        upper(stock_code_text) as stock_code,
        description_text as description,
        country_text as country,
        -- 6.0 is 6; 0 is not a quantity, nor is a billion or more units
        -- (a code in the wrong column, say): below that, no sum of line
        -- amounts can overflow the exact DECIMAL totals, and a double
        -- reads the number exactly.
        case
            when abs(quantity_number) < 1e9
                then nullif({{ whole_number("quantity_number") }}, 0)
        end as quantity,
        -- "inf" does not cast to a decimal, so it is invalid ("nan" is a
        -- missing marker).
        case
            when unit_price_number > 0 then unit_price_number
        end as unit_price,
        -- ISO (a T between date and time, and fractions of a second, as
        -- tools write them), or with slashes in the order slash_date_order
        -- says: month first as in UCI's own export (12/1/2010 8:26). Each
        -- text is tried with the formats it can match: a failed parse costs
        -- ten good ones.
        case
            when contains(invoice_date_text, '/')
                then try_strptime(invoice_date_text, {{ slash_date_formats() }})
            else coalesce(
                -- Fractions to the microsecond (%f): a timestamp, which
                -- holds every year from 1000 to 9999. A date alone, as a
                -- Parquet DATE column reads, is its midnight.
                try_strptime(
                    replace(invoice_date_text, 'T', ' '),
                    [
                        '%Y-%m-%d %H:%M:%S',
                        '%Y-%m-%d %H:%M',
                        '%Y-%m-%d %H:%M:%S.%f',
                        '%Y-%m-%d'
                    ]
                ),
                -- 7 to 9 digits (%n): a nanosecond timestamp (years 1677
                -- to 2262 only), rounded to the microsecond. Apart from
                -- the formats above, which it would turn into nanosecond
                -- timestamps too.
                try_strptime(
                    replace(invoice_date_text, 'T', ' '),
                    '%Y-%m-%d %H:%M:%S.%n'
                )::timestamp,
                -- With a UTC offset (Z is +00), as a time-zone-aware
                -- timestamp of a Parquet file reads: taken in UTC.
                timezone('UTC', try_strptime(
                    replace(replace(invoice_date_text, 'T', ' '), 'Z', '+00'),
                    [
                        '%Y-%m-%d %H:%M:%S%z',
                        '%Y-%m-%d %H:%M%z',
                        '%Y-%m-%d %H:%M:%S.%f%z'
                    ]
                )),
                timezone('UTC', try_strptime(
                    replace(replace(invoice_date_text, 'T', ' '), 'Z', '+00'),
                    '%Y-%m-%d %H:%M:%S.%n%z'
                ))::timestamp
            )
        end as parsed_invoice_date

    from numbers

),

dated as (

    -- strptime's %Y also reads a year of one to three digits (12/1/10 is
    -- the year 10), which is not the YYYY of either format: invalid. So is
    -- the year 9999, where systems put 9999-12-31 for "no date": taken as
    -- a date, it would move the RFM reference day to the year 10000,
    -- every customer's recency with it, and past Power BI's last date.
    select
        * exclude (parsed_invoice_date),
        case
            when year(parsed_invoice_date) between 1000 and 9998
                then parsed_invoice_date
        end as invoice_date

    from typed

)

select * from dated
