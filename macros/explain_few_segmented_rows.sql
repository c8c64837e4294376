{% macro explain_few_segmented_rows(results) -%}
    {#- on-run-end, when the test most_input_rows_are_segmented warned (or
        failed, with --warn-error): dbt says only "Got 1 result", so this
        says, in one line, how many rows were segmented and, commonest
        first, why the others were not. -#}
    {%- set warned = warned_results(results, "most_input_rows_are_segmented") -%}
    {#- The rejected rows this run built, not an earlier run's. -#}
    {%- set rejected_built = results | selectattr(
        "node.name", "equalto", "rejected_customer_rows"
    ) | selectattr("status", "equalto", "success") | list -%}
    {%- if not execute or not warned or not rejected_built -%}
        {{ return("") }}
    {%- endif -%}
    {#- The mart the test checks, and the rejected rows. -#}
    {%- set summary = node_relation(
        graph.nodes[warned[0].node.attached_node]
    ) -%}
    {%- set rejected = node_relation(rejected_built[0].node) -%}
    {%- set counts = run_query(
        "select segmented_rows, input_rows from " ~ summary
    ).rows[0] -%}
    {%- set reasons = run_query(
        "select reject_reason, count(*) from " ~ rejected
        ~ " group by reject_reason order by count(*) desc, reject_reason"
    ).rows -%}
    {%- set listed = [] -%}
    {%- for reason, rows in reasons -%}
        {%- do listed.append(reason ~ " " ~ rows) -%}
    {%- endfor -%}
    {#- With order lines alone, the rows are the customers with a valid
        line (those with only returns are rejected). -#}
    {%- set from_file = "customer_profiles" in given_inputs() -%}
    {% do log(
        "Only " ~ counts[0] ~ " of the " ~ counts[1]
        ~ (" customer rows" if from_file else " customers of the order lines")
        ~ " were segmented; the other " ~ (counts[1] - counts[0])
        ~ " are in " ~ rejected.schema ~ "." ~ rejected.identifier ~ ": "
        ~ listed | join(", ") ~ ".",
        info=true
    ) %}
    {{ return("") }}
{%- endmacro %}

{% macro warned_results(results, test_name) -%}
    {#- The run results of the test ``test_name`` when it warned (or
        failed, with --warn-error), for the hooks that explain a warning. -#}
    {{ return(results | selectattr("node.name", "equalto", test_name)
        | selectattr("status", "in", ["warn", "fail"]) | list) }}
{%- endmacro %}
