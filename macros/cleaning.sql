{#-
    Small SQL helpers for turning raw text into typed values. Each one returns
    NULL when the value is missing or invalid; the intermediate models tell the
    two apart by comparing against the raw text.
-#}

{% macro missing_value_tokens() -%}
    {#- Compared after trim() and lower(). Edit here and in the README table. -#}
    {{ return(["", "?", "na", "n/a", "null", "none"]) }}
{%- endmacro %}

{% macro clean_text(column) -%}
    {#- Trimmed text, or NULL when the value is one of the missing tokens. -#}
    case
        when lower(trim({{ column }})) in (
            {%- for token in missing_value_tokens() -%}
                '{{ token }}'{{ ", " if not loop.last }}
            {%- endfor -%}
        ) then null
        else trim({{ column }})
    end
{%- endmacro %}

{% macro parse_whole_number(column, min_value, max_value=none) -%}
    {#- A whole number within [min_value, max_value]; "19.0" counts as 19. -#}
    case
        when
            isfinite(try_cast({{ column }} as double))
            and try_cast({{ column }} as double)
            = floor(try_cast({{ column }} as double))
            and try_cast({{ column }} as double) >= {{ min_value }}
            {%- if max_value is not none %}
                and try_cast({{ column }} as double) <= {{ max_value }}
            {%- endif %}
            then cast(try_cast({{ column }} as double) as integer)
    end
{%- endmacro %}

{% macro parse_decimal(column, min_value) -%}
    {#- A finite number of at least min_value ("inf" and "nan" are invalid). -#}
    case
        when
            isfinite(try_cast({{ column }} as double))
            and try_cast({{ column }} as double) >= {{ min_value }}
            then try_cast({{ column }} as double)
    end
{%- endmacro %}

{% macro normalise_gender(column) -%}
    case
        when lower({{ column }}) in ('m', 'male', 'man') then 'Male'
        when lower({{ column }}) in ('f', 'female', 'woman') then 'Female'
    end
{%- endmacro %}
