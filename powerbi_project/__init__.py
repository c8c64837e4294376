"""The Power BI Project (PBIP) in powerbi/, generated from dbt's manifest.

The marts' enforced contracts give the tables, columns and types; the
`relationships` tests between marts give the model's relationships. Run
``python -m powerbi_project`` after ``dbt parse`` (``make powerbi`` does
both) to rewrite the files; ``--check`` only compares. dbt never imports this
package.
"""
