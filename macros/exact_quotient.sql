{#- numerator / denominator, rounded half away from zero to `scale`
    decimals, exactly. DuckDB divides a DECIMAL as a double, so 2.03 / 4
    is 0.50749999… and casts to 0.507; here the division is done on whole
    numbers instead. The numerator is read as a DECIMAL of
    `numerator_scale` decimals; the denominator is a positive whole number
    (NULL when it is 0). -#}
{% macro exact_quotient(numerator, denominator, numerator_scale, scale) -%}
    {%- set numerator_unit = 10 ** numerator_scale -%}
    {%- set result_unit = 10 ** scale -%}
    sign({{ numerator }})
    * cast(
        (
            2 * {{ result_unit }}
            * cast(
                abs(cast({{ numerator }} as decimal(38, {{ numerator_scale }})))
                * {{ numerator_unit }}
                as hugeint
            )
            + {{ numerator_unit }} * {{ denominator }}
        )
        // (2 * {{ numerator_unit }} * nullif({{ denominator }}, 0))
        as decimal(38, 0)
    )
    * cast(1 / {{ result_unit }} as decimal(38, {{ scale }}))
{%- endmacro %}
