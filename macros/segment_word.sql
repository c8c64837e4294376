{#- The words a marketer reads for a feature at a z-score band, e.g.
    ('annual_income_k', 'very high') -> 'Very high income'. -#}
{% macro segment_word(feature, level) -%}
    case
        when {{ feature }} = 'age' then
            case {{ level }}
                when 'very low' then 'Youngest'
                when 'low' then 'Younger'
                when 'average' then 'Middle-aged'
                when 'high' then 'Older'
                when 'very high' then 'Oldest'
            end
        else
            upper(left({{ level }}, 1)) || substr({{ level }}, 2) || ' '
            || case {{ feature }}
                when 'annual_income_k' then 'income'
                when 'spending_score' then 'spending'
            end
    end
{%- endmacro %}
