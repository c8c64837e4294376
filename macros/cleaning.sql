{#-
    Small SQL helpers for turning trimmed text, or a value already cast to
    double, into typed values. Each one returns NULL when the value is missing
    or invalid; the intermediate models tell the two apart by comparing
    against the text.
-#}

{% macro trimmed(raw_column) -%}
    {#- The text without spaces or tabs at either end. trim() with a list of
        characters takes twice as long as plain trim() (20M values: 1.3 s
        against 0.6 s here), so only a value with a tab in it pays for it
        (0.65 s). -#}
    case
        when contains({{ raw_column }}, chr(9))
            then trim({{ raw_column }}, ' ' || chr(9))
        else trim({{ raw_column }})
    end
{%- endmacro %}

{% macro missing_value_tokens() -%}
    {#- Compared after trim() and lower(). Edit here and in the rules table of docs/cleaning_rules.md.
        "nan" is how pandas and a Parquet float column write a missing
        number. -#}
    {{ return(["", "?", "na", "n/a", "nan", "null", "none"]) }}
{%- endmacro %}

{% macro null_if_missing(trimmed_column) -%}
    {#- The trimmed text, or NULL when it is one of the missing tokens.
        A text longer than every token is kept without lower() (DuckDB
        lowers code point for code point, so the length stays): on millions
        of order lines, lowering every description costs seconds. -#}
    case
        when length({{ trimmed_column }}) > {{
            missing_value_tokens() | map("length") | max }}
            then {{ trimmed_column }}
        when lower({{ trimmed_column }}) in (
            {%- for token in missing_value_tokens() -%}
                '{{ token }}'{{ ", " if not loop.last }}
            {%- endfor -%}
        ) then null
        else {{ trimmed_column }}
    end
{%- endmacro %}

{% macro try_cast_number(text_column, number_type) -%}
    {#- The text as number_type, or NULL when it is not a number. DuckDB's
        cast also reads digit separators ("1_000" is 1000, "1.5_0" is 1.5),
        which no export writes: such a value is more likely two fields run
        together than a number, so it is not one here. Signs, leading
        zeros and exponents ("1e3", "1.785E+04") are numbers. -#}
    case
        when not contains({{ text_column }}, '_')
            then try_cast({{ text_column }} as {{ number_type }})
    end
{%- endmacro %}

{% macro whole_number_in_range(number_column, min_value, max_value=none) -%}
    {#- A whole number within [min_value, max_value]; 19.0 counts as 19.
        Takes the value already cast to double (NULL when not a number). -#}
    case
        when
            isfinite({{ number_column }})
            and {{ number_column }} = floor({{ number_column }})
            and {{ number_column }} >= {{ min_value }}
            {%- if max_value is not none %}
                and {{ number_column }} <= {{ max_value }}
            {%- endif %}
            then cast({{ number_column }} as integer)
    end
{%- endmacro %}

{% macro decimal_at_least(number_column, min_value) -%}
    {#- A finite number of at least min_value ("inf" and "nan" are invalid).
        Takes the value already cast to double (NULL when not a number).
        Adding 0 turns "-0" into 0: it equals 0 but would print as -0.0,
        and so tell two copies of a row apart. -#}
    case
        when
            isfinite({{ number_column }})
            and {{ number_column }} >= {{ min_value }}
            then {{ number_column }} + 0
    end
{%- endmacro %}

{% macro normalise_gender(column) -%}
    case
        when lower({{ column }}) in ('m', 'male', 'man') then 'Male'
        when lower({{ column }}) in ('f', 'female', 'woman') then 'Female'
    end
{%- endmacro %}

{% macro whole_number(number_column) -%}
    {#- A whole number as bigint, any sign; 6.0 counts as 6. Takes the value
        already cast to double or to an exact decimal (NULL when not a
        number); NULL when it is not whole or does not fit a bigint. -#}
    case
        when
            isfinite({{ number_column }})
            and {{ number_column }} = floor({{ number_column }})
            then try_cast({{ number_column }} as bigint)
    end
{%- endmacro %}

{% macro exact_id_number(text_column) -%}
    {#- An id's trimmed text as an exact decimal (NULL when it is not a
        number), for positive_whole_number. A cast to bigint would round
        12.5 to customer 13 and read 0x10 as 16, a double would merge ids
        above 2^53. Twenty digits either side of the point (a bigint id has
        at most 19), so that no id that is not whole (7.0000004) is rounded
        to one. -#}
    {{ try_cast_number(text_column, "decimal(38, 18)") }}
{%- endmacro %}

{% macro id_from_text(text_column, number_column) -%}
    {#- An id (a whole number above 0 as bigint) from its trimmed text, or
        NULL. Plain digits, as nearly every id is written, are cast straight
        to a bigint; any other text goes through positive_whole_number of its
        exact value, number_column (exact_id_number: 17850.0 is 17850). On
        1M customers the straight cast took 0.09 s, the exact path 0.53 s. -#}
    case
        when regexp_full_match({{ text_column }}, '[1-9][0-9]{0,17}')
            then cast({{ text_column }} as bigint)
        else {{ positive_whole_number(number_column) }}
    end
{%- endmacro %}

{% macro positive_whole_number(number_column) -%}
    {#- A whole number above 0 as bigint (an id), else NULL. -#}
    case
        when {{ whole_number(number_column) }} > 0
            then {{ whole_number(number_column) }}
    end
{%- endmacro %}
