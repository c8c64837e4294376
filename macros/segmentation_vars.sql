{#-
    The clustering vars, checked in one place. `validate_segmentation_vars`
    runs on-run-start, so a bad value stops the build before any model (or
    mart) is touched. The other macros hand the checked values to models.
-#}

{% macro allowed_segmentation_features() -%}
    {#- Canonical order: segment names and centroid ordering follow it. -#}
    {{ return(["age", "annual_income_k", "spending_score"]) }}
{%- endmacro %}

{% macro max_segments() -%}
    {#- More segments than this is no longer something marketing can act on. -#}
    {{ return(20) }}
{%- endmacro %}

{% macro _var_error(name, value, allowed) -%}
    {{ exceptions.raise_compiler_error(
        "Invalid var '" ~ name ~ "': " ~ (value | tojson)
        ~ ". Allowed values: " ~ allowed ~ "."
    ) }}
{%- endmacro %}

{% macro _is_whole_number(value) -%}
    {{ return(value is number and value is not boolean and value == value | int) }}
{%- endmacro %}

{% macro _checked_int(name, low, high, allowed_text) -%}
    {%- set value = var(name) -%}
    {%- if not _is_whole_number(value) or value < low or value > high -%}
        {{ _var_error(name, value, allowed_text) }}
    {%- endif -%}
    {{ return(value | int) }}
{%- endmacro %}

{% macro segmentation_features() -%}
    {#- The chosen features, in canonical order. Accepts a YAML list or a
        comma-separated string ("age,spending_score"). -#}
    {%- set allowed = allowed_segmentation_features() -%}
    {%- set allowed_text = "a non-empty list chosen from " ~ allowed | join(", ") -%}
    {%- set raw = var("segmentation_features") -%}
    {%- if raw is string -%}
        {%- set requested = [] -%}
        {%- for part in raw.split(",") if part.strip() -%}
            {%- do requested.append(part.strip()) -%}
        {%- endfor -%}
    {%- elif raw is iterable and raw is not mapping -%}
        {%- set requested = raw | list -%}
    {%- else -%}
        {{ _var_error("segmentation_features", raw, allowed_text) }}
    {%- endif -%}
    {%- if requested | length == 0 -%}
        {{ _var_error("segmentation_features", raw, allowed_text) }}
    {%- endif -%}
    {%- for feature in requested -%}
        {%- if feature not in allowed or requested.count(feature) > 1 -%}
            {{ _var_error(
                "segmentation_features", raw,
                allowed_text ~ ", each at most once"
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(allowed | select("in", requested) | list) }}
{%- endmacro %}

{% macro segmentation_settings() -%}
    {#- Every clustering var, checked, as a dict. -#}
    {%- set k_max_limit = max_segments() -%}
    {%- set k_min = _checked_int(
        "k_min", 2, k_max_limit,
        "an integer from 2 to " ~ k_max_limit
    ) -%}
    {%- set k_max = _checked_int(
        "k_max", k_min, k_max_limit,
        "an integer from k_min (" ~ k_min ~ ") to " ~ k_max_limit
    ) -%}
    {%- if var("n_clusters") is none -%}
        {%- set n_clusters = none -%}
    {%- else -%}
        {%- set n_clusters = _checked_int(
            "n_clusters", 2, k_max_limit,
            "null (choose k by silhouette) or an integer from 2 to "
            ~ k_max_limit
        ) -%}
    {%- endif -%}
    {{ return({
        "features": segmentation_features(),
        "k_min": k_min,
        "k_max": k_max,
        "n_clusters": n_clusters,
        "random_seed": _checked_int(
            "random_seed", 0, 4294967295,
            "an integer from 0 to 4294967295"
        ),
        "model_selection_sample_rows": _checked_int(
            "model_selection_sample_rows", 100, 100000000,
            "an integer from 100 to 100000000"
        ),
        "silhouette_sample_rows": _checked_int(
            "silhouette_sample_rows", 100, 1000000,
            "an integer from 100 to 1000000"
        ),
    }) }}
{%- endmacro %}

{% macro validate_segmentation_vars() -%}
    {%- if execute -%}
        {%- do segmentation_settings() -%}
    {%- endif -%}
    {#- A hook must render to SQL; this one has nothing to run. -#}
    select 1 as vars_checked
{%- endmacro %}
