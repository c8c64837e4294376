{#- A value as a single-quoted SQL string literal, quotes doubled, for
    paths and labels spliced into SQL; none as null. -#}
{% macro sql_literal(text) -%}
    {{ return("null" if text is none
        else "'" ~ (text | string | replace("'", "''")) ~ "'") }}
{%- endmacro %}

{#- A name as a double-quoted SQL identifier, quotes doubled: an input's
    column as its reader names it (a second byte order mark keeps the
    quotes of a quoted header cell in the name). -#}
{% macro sql_identifier(name) -%}
    {{ return('"' ~ (name | string | replace('"', '""')) ~ '"') }}
{%- endmacro %}
