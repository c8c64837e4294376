{#- A value as a single-quoted SQL string literal, quotes doubled, for
    paths and labels spliced into SQL. -#}
{% macro sql_literal(text) -%}
    {{ return("'" ~ (text | string | replace("'", "''")) ~ "'") }}
{%- endmacro %}
