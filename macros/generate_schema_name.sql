{#-
    Use the custom schema name as it is (`marts`, not `main_marts`), so that
    Power BI users always find `marts.<table>`.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
