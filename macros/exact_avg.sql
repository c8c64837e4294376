{#- An average that gives the same bits on every run. DuckDB aggregates
    doubles in parallel, so their sum depends on thread timing in the last
    bits; a DECIMAL sum is exact. `scale` decimals are kept per value. -#}
{% macro exact_avg(expression, scale=9) -%}
    avg(cast({{ expression }} as decimal(38, {{ scale }})))
{%- endmacro %}
