{#-
    The clustering vars, checked in one place. `validate_segmentation_vars`
    runs on-run-start, so a bad value stops the build before any model (or
    mart) is touched. The other macros hand the checked values to models.
-#}

{% macro allowed_segmentation_features() -%}
    {#- The catalogue's features whose input is given, in canonical order
        (macros/feature_catalogue.sql). -#}
    {%- set given = given_inputs() -%}
    {{ return(
        feature_catalogue() | selectattr("input", "in", given)
        | map(attribute="name") | list
    ) }}
{%- endmacro %}

{% macro default_segmentation_features() -%}
    {#- With order lines: recency, frequency and spend (RFM); otherwise the
        Mall pair. -#}
    {{ return(
        ["recency_days", "frequency", "monetary"]
        if "order_lines" in given_inputs()
        else ["annual_income_k", "spending_score"]
    ) }}
{%- endmacro %}

{% macro max_segments() -%}
    {#- More segments than this is no longer something marketing can act on. -#}
    {{ return(20) }}
{%- endmacro %}

{% macro _var_error(name, value, allowed) -%}
    {#- A text the user can read is shown as typed ("£", "o'brien.csv");
        anything else as JSON (tojson writes £ as \u00a3), whose escapes
        keep the message on one line and show where a text with a quote or
        a backslash ends. -#}
    {%- set shown = '"' ~ value ~ '"'
        if value is string and value.isprintable()
        and '"' not in value and "\\" not in value
        else value | tojson -%}
    {{ exceptions.raise_compiler_error(
        "Invalid var '" ~ name ~ "': " ~ shown
        ~ ". Allowed values: " ~ allowed ~ "."
    ) }}
{%- endmacro %}

{% macro _number_var_error(name, value, allowed) -%}
    {#- _var_error for a var that takes a number. The YAML that dbt reads
        --vars with takes a number with an exponent for text unless it has
        both a dot and a signed exponent (1.0e-3): 1e-3, 2e4 and 1.5e3 look
        right and are refused. -#}
    {%- if value is string and modules.re.fullmatch(
        "[-+]?[0-9]+([.][0-9]*)?[eE][-+]?[0-9]+", value.strip()
    ) -%}
        {%- set allowed = allowed ~ ". YAML reads " ~ value.strip()
            ~ " as text; write the number in plain digits" -%}
    {%- endif -%}
    {{ _var_error(name, value, allowed) }}
{%- endmacro %}

{% macro _is_whole_number(value) -%}
    {{ return(value is number and value is not boolean and value == value | int) }}
{%- endmacro %}

{% macro _checked_int(name, low, high, allowed_text) -%}
    {%- set value = var(name) -%}
    {%- if not _is_whole_number(value) or value < low or value > high -%}
        {{ _number_var_error(name, value, allowed_text) }}
    {%- endif -%}
    {{ return(value | int) }}
{%- endmacro %}

{% macro _requested_features(raw) -%}
    {#- The names in a YAML list or a comma-separated string
        ("age,spending_score"); none for any other value. -#}
    {%- if raw is string -%}
        {%- set requested = [] -%}
        {%- for part in raw.split(",") if part.strip() -%}
            {%- do requested.append(part.strip()) -%}
        {%- endfor -%}
        {{ return(requested) }}
    {%- elif raw is iterable and raw is not mapping -%}
        {{ return(raw | list) }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{% macro _feature_list(name, allowed, allowed_text) -%}
    {#- A var naming features (_requested_features), each from `allowed` at
        most once. Returned in canonical order. -#}
    {%- set raw = var(name) -%}
    {%- set requested = _requested_features(raw) -%}
    {%- if requested is none -%}
        {{ _var_error(name, raw, allowed_text) }}
    {%- endif -%}
    {%- for feature in requested -%}
        {%- if feature not in allowed or requested.count(feature) > 1 -%}
            {{ _var_error(name, raw, allowed_text ~ ", each at most once") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(allowed | select("in", requested) | list) }}
{%- endmacro %}

{% macro segmentation_features() -%}
    {#- The chosen features, in canonical order; null means the input's
        default. -#}
    {%- if var("segmentation_features", none) is none -%}
        {{ return(default_segmentation_features()) }}
    {%- endif -%}
    {%- set allowed = allowed_segmentation_features() -%}
    {%- set allowed_text = "a non-empty list chosen from "
        ~ allowed | join(", ") -%}
    {#- A catalogue feature whose input was not given gets a hint. -#}
    {%- set named = _requested_features(var("segmentation_features"))
        or [] -%}
    {%- set without_input = feature_catalogue()
        | rejectattr("name", "in", allowed) | map(attribute="name")
        | select("in", named) | list -%}
    {%- if without_input -%}
        {%- set allowed_text = allowed_text ~ " (" ~ without_input | join(", ")
            ~ (": only with a customer file, raw_customers_path"
               if "order_lines" in given_inputs()
               else ": only with an order-lines file, raw_transactions_path")
            ~ ")" -%}
    {%- endif -%}
    {%- set features = _feature_list(
        "segmentation_features", allowed, allowed_text
    ) -%}
    {%- if features | length == 0 -%}
        {{ _var_error("segmentation_features", var("segmentation_features"),
            allowed_text) }}
    {%- endif -%}
    {{ return(features) }}
{%- endmacro %}

{% macro log_transformed_features() -%}
    {#- The clustering features that K-Means sees as log1p(value): skewed
        counts and amounts, so that a few big spenders do not form segments
        of their own. -#}
    {%- set catalogue = feature_names() -%}
    {%- set logged = _feature_list(
        "log_transformed_features", catalogue,
        "a list chosen from " ~ catalogue | join(", ")
    ) -%}
    {{ return(segmentation_features() | select("in", logged) | list) }}
{%- endmacro %}

{% macro segmentation_settings() -%}
    {#- Every clustering var, checked, as a dict. -#}
    {%- set k_max_limit = max_segments() -%}
    {#- null k_min, k_max and min_segments mean the input's defaults: with
        order lines the k to choose from are 3 to 8, segments a marketer
        can act on. k = 2 is still scored, so the k figure shows why it is
        not chosen. -#}
    {%- set with_order_lines = "order_lines" in given_inputs() -%}
    {%- set k_min = 2 if var("k_min", none) is none else _checked_int(
        "k_min", 2, k_max_limit,
        "an integer from 2 to " ~ k_max_limit
    ) -%}
    {%- set min_segments_allowed = "null (3 with order lines, else 2) or an"
        ~ " integer from 2 to " -%}
    {%- set min_segments = (3 if with_order_lines else 2)
        if var("min_segments", none) is none else _checked_int(
            "min_segments", 2, k_max_limit, min_segments_allowed ~ k_max_limit
        ) -%}
    {#- The default k_max reaches the k_min and min_segments given; a k_max
        given below min_segments would leave the rule no k to choose. -#}
    {%- set default_k_max = 8 if with_order_lines else 10 -%}
    {%- if var("k_max", none) is none -%}
        {%- set k_max = [default_k_max, k_min, min_segments] | max -%}
    {%- else -%}
        {%- set k_max = _checked_int(
            "k_max", k_min, k_max_limit,
            "an integer from k_min (" ~ k_min ~ ") to " ~ k_max_limit
        ) -%}
        {%- if var("min_segments", none) is not none
            and min_segments > k_max -%}
            {{ _var_error(
                "min_segments", min_segments,
                min_segments_allowed ~ "k_max (" ~ k_max ~ ")"
            ) }}
        {%- endif -%}
    {%- endif -%}
    {%- set min_segment_share = var("min_segment_share") -%}
    {%- if min_segment_share is not number or min_segment_share is boolean
        or min_segment_share < 0 or min_segment_share >= 0.5 -%}
        {{ _number_var_error(
            "min_segment_share", min_segment_share,
            "a number from 0 to below 0.5"
        ) }}
    {%- endif -%}
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
        "log_transformed_features": log_transformed_features(),
        "k_min": k_min,
        "k_max": k_max,
        "min_segments": min_segments,
        "min_segment_share": min_segment_share,
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

{% macro check_var_names() -%}
    {#- dbt ignores a --vars key that nothing reads: a misspelt name would
        leave its var at the default without a word. The names declared in
        dbt_project.yml are read there (segmentation/var_names.py). -#}
    {%- set given = invocation_args_dict.get("vars") or {} -%}
    {%- if given is mapping and given -%}
        {%- set names = [] -%}
        {%- for name in given -%}
            {%- do names.append(sql_literal(name | string)) -%}
        {%- endfor -%}
        {%- set message = _first_value(
            "select segmentation_unknown_vars([" ~ names | join(", ") ~ "])"
        ) -%}
        {%- if message -%}
            {{ exceptions.raise_compiler_error(message) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{% macro validate_segmentation_vars() -%}
    {%- if execute -%}
        {%- do refuse_empty_flag() -%}
        {%- do check_var_names() -%}
        {%- do check_run_unit_tests() -%}
        {%- do check_input_path_vars() -%}
        {%- do segmentation_settings() -%}
    {%- endif -%}
    {#- A hook must render to SQL; this one has nothing to run. -#}
    select 1 as vars_checked
{%- endmacro %}

{% macro check_run_unit_tests() -%}
    {#- The unit tests' configs take only true as true; this refuses what
        is neither true nor false ("no" in quotes, say) instead of reading
        it as false without a word. -#}
    {%- if var("run_unit_tests") is not boolean -%}
        {{ _var_error("run_unit_tests", var("run_unit_tests"), "true or false") }}
    {%- endif -%}
{%- endmacro %}

{% macro refuse_empty_flag() -%}
    {#- dbt's --empty reads every ref and source as no rows. Here that would
        replace the intermediate tables with empty ones, beside marts of an
        earlier run, and then stop where the clustering finds no customers;
        a small file checks the SQL instead. -#}
    {%- if flags.EMPTY -%}
        {{ exceptions.raise_compiler_error(
            "--empty is not supported: K-Means needs customers, and an empty"
            " build would empty the intermediate tables; to try the SQL on a"
            " few rows, build on a small file (--vars '{raw_customers_path:"
            " <file>}')"
        ) }}
    {%- endif -%}
{%- endmacro %}
