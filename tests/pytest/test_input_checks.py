"""segmentation.input_checks on real files."""

from __future__ import annotations

from conftest import FIXTURES

from segmentation.input_checks import reader_problem

OPTIONS = (
    "header = true, all_varchar = true, delim = ',', quote = '\"',"
    " escape = '\"', store_rejects = true"
)


def test_a_readable_csv_has_no_problem():
    assert (
        reader_problem(f"read_csv('{FIXTURES / 'format_variants.csv'}', {OPTIONS})")
        is None
    )


def test_an_unterminated_quote_is_reported_in_one_line(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('CustomerID,Gender\n1,Male\n2,"Female\n3,Female\n')
    assert reader_problem(f"read_csv('{path}', {OPTIONS})") == (
        f'Invalid Input Error: Error when sniffing file "{path}".'
    )
