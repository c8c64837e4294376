"""Tested building blocks behind the dbt Python models and side scripts."""
