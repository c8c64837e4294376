"""segmentation.input_checks on real files."""

from __future__ import annotations

from conftest import FIXTURES

from segmentation.input_checks import is_folder, reader_problem

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


def test_a_folder_or_a_pattern_matching_folders_only(tmp_path):
    (tmp_path / "march").mkdir()
    (tmp_path / "may").mkdir()
    (tmp_path / "may.csv").write_text("CustomerID\n1\n")
    assert is_folder(str(tmp_path / "march"))
    assert is_folder(str(tmp_path / "ma?ch"))
    assert not is_folder(str(tmp_path / "may.csv"))
    # A file among the matches: DuckDB's glob finds it, so not a folder.
    assert not is_folder(str(tmp_path / "ma*"))
    assert not is_folder(str(tmp_path / "june"))
    assert not is_folder(str(tmp_path / "ju*"))
