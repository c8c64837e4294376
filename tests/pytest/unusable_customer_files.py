"""The customer files that must be refused, and the message for each: the
cases of test_unusable_input.py (the files a fixture cannot hold are
written by customer_file_makers.py)."""

from __future__ import annotations

from pathlib import Path

from customer_file_makers import (
    beside_a_file_it_matches,
    binary,
    binary_gzip,
    damaged_gzip_it_matches,
    empty_gzip,
    gzip_named_csv,
    income_in_a_struct,
    income_too_large,
    income_too_large_to_average,
    incomes_adding_up_too_large,
    line_endings_two_ways,
    line_endings_two_ways_past_the_sample,
    named_pipe,
    nothing,
    parquet_damaged_in_a_later_row_group,
    parquet_with_latin1_text_in_a_later_row_group,
    quoted_comma_in_header,
    semicolons,
    two_files,
    two_folders,
    two_points,
    utf16,
    utf16_without_bom,
)
from refusals import DAMAGED_GZIP_CRC, write_damaged_gzip

EXPECTED_HEADERS = (
    "CustomerID, Genre (or Gender), Age, Annual Income (k$), Spending Score (1-100)"
)


# (case, the input's name, what is at that name: a fixture's content or a
#  function writing the file, extra vars, the message after "Unusable input
#  <name>: " ({file} is the name), or a whole line when the input is not the
#  problem). Each build runs in a folder of its own that holds its input,
#  named with a path relative to that folder, as a user names a file in the
#  project folder. Builds with the same vars so start from the parse state
#  the first of them saved (dbt_runs.run_dbt), as a user's second run does.
CASES = [
    ("missing file", "customers.csv", nothing, {}, "file not found"),
    # Pasted with its line end: quoted, so that the message stays one line.
    ("a path ending in a line break", "customers.csv\n", nothing, {}, "file not found"),
    # Quoted too, so that the space shows.
    ("a path ending in a space", "customers.csv ", nothing, {}, "file not found"),
    (
        "a folder",
        "customers.csv",
        Path.mkdir,
        {},
        "this is a folder; give the path of a CSV, .csv.gz or Parquet file in it",
    ),
    (
        "a pattern matching two files",
        "customers_*.csv",
        two_files,
        {},
        "the pattern matches 2 files; give the path of one file (each row is"
        " traced back to its line in that file)",
    ),
    (
        "a pattern matching folders only",
        "customers_*",
        two_folders,
        {},
        "the pattern matches folders only; give the path of a CSV, .csv.gz or"
        " Parquet file",
    ),
    (
        "a file named like a pattern",
        "customers[1].csv",
        beside_a_file_it_matches,
        {},
        "the file's name has a pattern character ('*', '?' or '['), which"
        " DuckDB reads as a pattern, not as that name; rename the file"
        " without it",
    ),
    ("empty file", "customers.csv", "empty.csv", {}, "the file is empty (0 bytes)"),
    (
        # Said on-run-end, once the model that reads the file has failed.
        "a Parquet file damaged in a later row group",
        "customers.parquet",
        parquet_damaged_in_a_later_row_group,
        {},
        "DuckDB could not read all of it (don't know what type: \\x0f); if the"
        " file is damaged, write or copy it again",
    ),
    (
        "a Parquet file with Latin-1 text in a later row group",
        "customers.parquet",
        parquet_with_latin1_text_in_a_later_row_group,
        {},
        "DuckDB could not read all of it (Invalid Input Error: Invalid string"
        ' encoding found in Parquet file "customers.parquet": value "CAF\\xC9"'
        " is not valid UTF8!); write the file again with its text as UTF-8",
    ),
    (
        "a named pipe",
        "customers.csv",
        named_pipe,
        {},
        "it is a named pipe, not a file; give the path of a CSV, .csv.gz or"
        " Parquet file",
    ),
    (
        "lines ending in two ways",
        "customers.csv",
        line_endings_two_ways,
        {},
        "its lines end in two ways (line 4 ends in LF (Unix), line 1 in CRLF"
        " (Windows)); save it with one kind of line ending",
    ),
    (
        # Said on-run-end, once the model that reads the file has failed.
        "lines ending in two ways past the sniffer's sample",
        "customers.csv",
        line_endings_two_ways_past_the_sample,
        {},
        "its lines end in two ways (line 25001 ends in LF (Unix), line 1 in"
        " CRLF (Windows)); save it with one kind of line ending",
    ),
    (
        "no header row",
        "customers.csv",
        "no_header.csv",
        {},
        "no header row with the expected columns (first line:"
        f" 1,Male,19,15,39; expected {EXPECTED_HEADERS})",
    ),
    (
        "not a csv file",
        "customers.csv",
        "not_csv.csv",
        {},
        "no header row with the expected columns (first line:"
        ' {"customers": [{"id": 1, "gender": "Male"}]};'
        f" expected {EXPECTED_HEADERS})",
    ),
    (
        "binary file",
        "customers.csv",
        binary,
        {},
        "no header row (the first line is not UTF-8 text: byte 0x89 at character"
        " 1); save the file as UTF-8 CSV",
    ),
    (
        # Once decompressed, not nothing: 650 bytes starting with a NUL.
        "a gzip file of binary data",
        "customers.csv.gz",
        binary_gzip,
        {},
        "no header row (the first line is not UTF-8 text: a NUL byte at"
        " character 1: binary data, or UTF-16 text without a byte order mark);"
        " save the file as UTF-8 CSV",
    ),
    (
        "UTF-16 text without a byte order mark",
        "customers.csv",
        utf16_without_bom,
        {},
        "no header row (the first line is not UTF-8 text: a NUL byte at"
        " character 2: binary data, or UTF-16 text without a byte order mark);"
        " save the file as UTF-8 CSV",
    ),
    (
        "a gzip file without a .gz name",
        "customers.csv",
        gzip_named_csv,
        {},
        "not a CSV file: it is gzip-compressed; give it a name ending in .gz",
    ),
    (
        "a UTF-16 file",
        "customers.csv",
        utf16,
        {},
        "not a CSV file: it is UTF-16 text; save it as UTF-8 CSV",
    ),
    (
        "values separated by semicolons",
        "customers.csv",
        semicolons,
        {},
        "no header row with the expected columns (first line:"
        " CustomerID;Gender;Age;Annual Income (k$);Spending Score (1-100);"
        f" expected {EXPECTED_HEADERS}); its values are separated by ';',"
        " and the file must use commas",
    ),
    (
        "a .gz name on a file that is not gzip",
        "customers.csv.gz",
        "format_variants.csv",
        {},
        "DuckDB cannot read it as CSV (IO Error: Input is not a GZIP stream: {file})",
    ),
    (
        "a gzip file of an empty file",
        "customers.csv.gz",
        empty_gzip,
        {},
        "the file is empty once decompressed (0 bytes)",
    ),
    (
        "a gzip file damaged in the middle",
        "customers.csv.gz",
        write_damaged_gzip,
        {},
        f"its gzip data is damaged ({DAMAGED_GZIP_CRC}); get a fresh copy of the file",
    ),
    (
        "a gzip file damaged in the middle, named by a pattern",
        "customer*.csv.gz",
        damaged_gzip_it_matches,
        {},
        f"its gzip data is damaged ({DAMAGED_GZIP_CRC}); get a fresh copy of the file",
    ),
    (
        # Before, "required column ... is missing", with the struct's field
        # listed as a column.
        "a Parquet column holding a struct",
        "customers.parquet",
        income_in_a_struct,
        {},
        "column 'Annual Income (k$)' holds a struct, list or map in each row,"
        " not one value; store it as a plain column",
    ),
    (
        "a .parquet name on a file that is not Parquet",
        "customers.parquet",
        "format_variants.csv",
        {},
        "DuckDB cannot read it as Parquet (Invalid Input Error: No magic"
        " bytes found at end of file '{file}')",
    ),
    (
        "missing required column",
        "customers.csv",
        "missing_column.csv",
        {},
        "required column 'Spending Score (1-100)' is missing (found"
        " CustomerID,Gender,Age,Annual Income (k$))",
    ),
    (
        "malformed line",
        "customers.csv",
        "malformed_line.csv",
        {},
        "line 3 is not valid CSV (Expected Number of Columns: 5 Found: 6);"
        " fix or remove that line",
    ),
    (
        "malformed line in a file named from the home folder",
        "~/customers.csv",
        "malformed_line.csv",
        {},
        "line 3 is not valid CSV (Expected Number of Columns: 5 Found: 6);"
        " fix or remove that line",
    ),
    (
        # Read as that file, not as customers.csv: dbt-duckdb fills braces
        # in a source's location in with the source's own values.
        "malformed line in a file whose name has braces",
        "{name}.csv",
        "malformed_line.csv",
        {},
        "line 3 is not valid CSV (Expected Number of Columns: 5 Found: 6);"
        " fix or remove that line",
    ),
    (
        "unterminated quote",
        "customers.csv",
        "unterminated_quote.csv",
        {},
        "line 3 is not valid CSV (Value with unterminated quote found.);"
        " fix or remove that line",
    ),
    (
        "unterminated quote after a quoted comma in the header",
        "customers.csv",
        quoted_comma_in_header,
        {},
        "line 5 is not valid CSV (Value with unterminated quote found.);"
        " fix or remove that line",
    ),
    (
        "header but no data rows",
        "customers.csv",
        "header_only.csv",
        {},
        "the file has a header but no data rows",
    ),
    (
        "fewer usable rows than k_min + 1",
        "customers.csv",
        "too_few_rows.csv",
        {},
        "only 2 usable customer rows after cleaning; k=2 needs at least 3"
        " (reasons in intermediate.int_customer_rows_validated); the commonest"
        " reasons are missing_annual_income_k and missing_spending_score, on 1"
        " of 4 rows each",
    ),
    (
        # The message comes from DuckDB, with the name quoted all the same.
        "fewer usable rows in a file whose name ends in a space",
        "customers.csv ",
        "too_few_rows.csv",
        {},
        "only 2 usable customer rows after cleaning; k=2 needs at least 3"
        " (reasons in intermediate.int_customer_rows_validated); the commonest"
        " reasons are missing_annual_income_k and missing_spending_score, on 1"
        " of 4 rows each",
    ),
    (
        "fewer usable rows than the forced k + 1",
        "customers.csv",
        "format_variants.csv",
        {"n_clusters": 4},
        "only 4 usable customer rows after cleaning; k=4 needs at least 5"
        " (reasons in intermediate.int_customer_rows_validated)",
    ),
    (
        "fewer different points than the forced k",
        "customers.csv",
        two_points,
        {"n_clusters": 3},
        "its 10 usable customer rows have only 2 different values of the"
        " clustering features (annual_income_k, spending_score) once"
        " standardised to 12 decimals; k=3 needs at least 3",
    ),
    (
        "an income too large to standardise",
        "customers.csv",
        income_too_large,
        {},
        "annual_income_k is too large to standardise exactly (customer 7's is"
        " 1000000000000000.0); fix the value, or log-transform the feature"
        " (var log_transformed_features)",
    ),
    (
        "an income too large to average, its logarithm clustered",
        "customers.csv",
        income_too_large_to_average,
        {"log_transformed_features": ["annual_income_k"]},
        "annual_income_k is too large to average exactly (customer 7's is"
        " 1e+30); fix the value",
    ),
    (
        "incomes that add up too large to standardise",
        "customers.csv",
        incomes_adding_up_too_large,
        {},
        "annual_income_k is too large to standardise exactly (customer 2's is"
        " 100000000000000.0); fix the value, or log-transform the feature"
        " (var log_transformed_features)",
    ),
    (
        # Refused before DuckDB tries to download its httpfs extension.
        "a URL",
        None,
        None,
        {"raw_customers_path": "https://example.com/customers.csv"},
        "Unusable input https://example.com/customers.csv: it is a URL; give the"
        " path of a local file (download it first, or drop the file:// in front"
        " of a local path)",
    ),
    (
        # A drive letter is not a URL's scheme.
        "a Windows drive path",
        None,
        None,
        {"raw_customers_path": "C://data/customers.csv"},
        "Unusable input C://data/customers.csv: file not found",
    ),
    (
        "n_clusters out of range",
        None,
        None,
        {"n_clusters": 25},
        "Invalid var 'n_clusters': 25. Allowed values: null (choose k by"
        " silhouette) or an integer from 2 to 20.",
    ),
    (
        "unknown feature",
        None,
        None,
        {"segmentation_features": ["annual_income_k", "loyalty"]},
        "Invalid var 'segmentation_features': [\"annual_income_k\","
        ' "loyalty"]. Allowed values: a non-empty list chosen from age,'
        " annual_income_k, spending_score, each at most once.",
    ),
]
