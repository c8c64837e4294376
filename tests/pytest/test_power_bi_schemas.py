"""The Power BI Project in powerbi/ against Microsoft's PBIP and PBIR JSON
schemas, read in place from ../shared (Microsoft's report validator, which
would download them: test_power_bi_report_validator.py)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import PROJECT_DIR
from powerbi_schemas import SCHEMAS, schema_errors

POWERBI = PROJECT_DIR / "powerbi"
REPORT = POWERBI / "CustomerSegmentation.Report"
VISUALS_PER_PAGE = {
    "overview": 6,
    "segment_profiles": 4,
    "choosing_k": 5,
    "data_quality": 10,
    "rfm": 7,
}


def json_files() -> list[Path]:
    """Every JSON file with a Microsoft schema: .pbip, .pbir, .pbism,
    .platform and the report definition (the theme has none)."""
    found = [POWERBI / "CustomerSegmentation.pbip"]
    for folder in (POWERBI / "CustomerSegmentation.SemanticModel", REPORT):
        found += sorted(
            path
            for path in folder.rglob("*")
            if path.is_file()
            and (
                path.suffix in (".json", ".pbir", ".pbism") or path.name == ".platform"
            )
            and "StaticResources" not in path.parts
        )
    return found


@pytest.fixture(scope="module")
def schemas() -> Path:
    if not SCHEMAS.is_dir():
        pytest.skip(
            "../shared/powerbi/json-schemas-fabric is absent (as in a user's own"
            " clone); Microsoft's schemas are read from there in place"
        )
    return SCHEMAS


def test_every_project_json_file_validates_against_microsofts_schemas(schemas):
    files = json_files()
    failures = {
        str(path.relative_to(POWERBI)): errors
        for path in files
        if (errors := schema_errors(json.loads(path.read_text(encoding="utf-8"))))
    }
    assert failures == {}
    names = [path.name for path in files]
    assert names.count(".platform") == 2
    visuals = Counter(
        path.relative_to(REPORT / "definition/pages").parts[0]
        for path in files
        if path.name == "visual.json"
    )
    assert visuals == VISUALS_PER_PAGE
    assert len(files) == 45


def test_the_schema_check_catches_a_broken_file(schemas):
    page = json.loads((REPORT / "definition/pages/overview/page.json").read_text())
    assert schema_errors(page) == []
    del page["displayOption"]
    assert schema_errors(page) == ["(root): 'displayOption' is a required property"]
    visual = json.loads(
        sorted(REPORT.glob("definition/pages/*/visuals/*/visual.json"))[0].read_text()
    )
    visual["position"]["width"] = "wide"
    assert schema_errors(visual) == ["position/width: 'wide' is not of type 'number'"]
    assert schema_errors({"$schema": "https://example.com/x.json"}) == [
        "$schema https://example.com/x.json is not among the stored schemas"
    ]
