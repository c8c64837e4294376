"""Benchmarks around the pipeline: synthetic inputs, timed `dbt build` runs
and the approaches they are compared with.

dbt never imports this package (its Python models import ``segmentation``);
it is run by hand, through `make bench`.
"""
