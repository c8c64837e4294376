{#-
    Every feature the clustering can use, written once, in canonical order:
    segment names, centroids and figures list features in this order.

    Keys:
    - name: the column in int_customers_joined and customer_segments;
    - input: where it comes from, `customer_profiles` (the customer file or
      the bundled seed) or `order_lines` (the RFM features of
      int_customer_rfm). A feature can be chosen only when its input is
      given;
    - words: what a marketer reads for each z-score band of the segment's
      centroid, e.g. 'high' -> 'Frequent'. `noun` instead gives
      "<Band> <noun>", e.g. 'very high' -> 'Very high income';
    - level_column (optional): the segment's coarse band is kept in this
      column of segment_profiles and matched against the playbook.
-#}
{% macro feature_catalogue() -%}
    {{ return([
        {"name": "age", "input": "customer_profiles",
         "level_column": "age_level",
         "words": {"very low": "Youngest", "low": "Younger",
                   "average": "Middle-aged", "high": "Older",
                   "very high": "Oldest"}},
        {"name": "annual_income_k", "input": "customer_profiles",
         "level_column": "income_level", "noun": "income"},
        {"name": "spending_score", "input": "customer_profiles",
         "level_column": "spending_level", "noun": "spending"},
        {"name": "recency_days", "input": "order_lines",
         "level_column": "recency_level",
         "words": {"very low": "Very recent", "low": "Recent",
                   "average": "Lapsing", "high": "Lapsed",
                   "very high": "Long lapsed"}},
        {"name": "frequency", "input": "order_lines",
         "level_column": "frequency_level",
         "words": {"very low": "One-off", "low": "Infrequent",
                   "average": "Occasional", "high": "Frequent",
                   "very high": "Very frequent"}},
        {"name": "monetary", "input": "order_lines",
         "level_column": "monetary_level", "noun": "spend"},
        {"name": "tenure_days", "input": "order_lines",
         "words": {"very low": "Newest", "low": "New",
                   "average": "Established", "high": "Long-standing",
                   "very high": "Longest-standing"}},
        {"name": "avg_order_value", "input": "order_lines",
         "noun": "order value"},
        {"name": "returned_value", "input": "order_lines",
         "noun": "returns"},
    ]) }}
{%- endmacro %}

{% macro feature_names(input=none) -%}
    {#- Every catalogue feature, or those of one input, in canonical order. -#}
    {{ return(
        feature_catalogue() | map(attribute="name") | list if input is none
        else feature_catalogue() | selectattr("input", "equalto", input)
        | map(attribute="name") | list
    ) }}
{%- endmacro %}

{% macro level_columns() -%}
    {#- feature -> its level column in segment_profiles, e.g.
        annual_income_k -> income_level. -#}
    {%- set columns = {} -%}
    {%- for feature in feature_catalogue() if feature.level_column -%}
        {%- do columns.update({feature.name: feature.level_column}) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}

{% macro segment_word(feature_column, level_column) -%}
    {#- The words for a feature at a z-score band, as SQL over a column of
        feature names and a column of bands. -#}
    case {{ feature_column }}
    {%- for feature in feature_catalogue() %}
        when '{{ feature.name }}' then
        {%- if feature.words %}
            case {{ level_column }}
            {%- for band, word in feature.words.items() %}
                when '{{ band }}' then '{{ word }}'
            {%- endfor %}
            end
        {%- else %}
            upper(left({{ level_column }}, 1)) || substr({{ level_column }}, 2)
            || ' {{ feature.noun }}'
        {%- endif %}
    {%- endfor %}
    end
{%- endmacro %}

{% macro clustered_value(feature, relation=none) -%}
    {#- What K-Means standardises for a feature: the value, or ln(1 +
        value) for the var log_transformed_features (DuckDB has no log1p;
        every catalogue feature is at least 0). -#}
    {%- set column = (relation ~ "." if relation else "") ~ feature -%}
    {%- if feature in log_transformed_features() -%}
        ln(1 + {{ column }})
    {%- else -%}
        {{ column }}
    {%- endif -%}
{%- endmacro %}

{% macro feature_transform(feature) -%}
    {{ return("log1p" if feature in log_transformed_features() else "none") }}
{%- endmacro %}
