"""Microsoft's own PBIR validator (@microsoft/powerbi-report-authoring-cli,
from the npm registry, installed by `make test` into powerbi/tools) on the
report in powerbi/, with every network call refused: it checks the report's
structure, ids, visual types, roles and formatting against its bundled
catalog. The JSON-schema part it would download is done by
test_power_bi_schemas.py from the stored schemas instead."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import PROJECT_DIR

POWERBI = PROJECT_DIR / "powerbi"
REPORT = POWERBI / "CustomerSegmentation.Report"
TOOLS = POWERBI / "tools"
CLI = TOOLS / "node_modules/@microsoft/powerbi-report-authoring-cli/dist/cli.js"


def validate_report(target: Path, *options: str) -> dict:
    """Microsoft's PBIR validator with every network call refused."""
    if not CLI.is_file():
        pytest.fail("the report validator is not installed: run `make test`"
                    " (or `npm ci` in powerbi/tools)")  # fmt: skip
    done = subprocess.run(
        ["node", "--require", str(TOOLS / "offline.cjs"), str(CLI),
         "validate", *options, str(target)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    return json.loads(done.stdout)


def test_the_validator_is_the_locked_version():
    lock = json.loads((TOOLS / "package-lock.json").read_text())
    locked = lock["packages"]["node_modules/@microsoft/powerbi-report-authoring-cli"]
    installed = json.loads((CLI.parents[1] / "package.json").read_text())
    assert locked["version"] == installed["version"] == "0.1.4"


def test_microsofts_report_validator_passes_offline():
    result = validate_report(POWERBI / "CustomerSegmentation.pbip", "--no-schema")
    assert result == {
        "data": {
            "result": "succeeded",
            "errorCount": 0,
            "warningCount": 0,
            "reportPath": str(REPORT),
        }
    }
    # The guard works: the same run with remote schemas is refused the network.
    online = validate_report(POWERBI / "CustomerSegmentation.pbip")
    assert online["error"]["message"].startswith("offline.cjs: network access refused")


def test_microsofts_report_validator_catches_a_broken_visual(tmp_path):
    copied = Path(
        shutil.copytree(
            POWERBI, tmp_path / "powerbi", ignore=shutil.ignore_patterns("tools")
        )
    )
    report = copied / REPORT.name
    visual_path = next(report.glob("definition/pages/overview/visuals/*/visual.json"))
    visual = json.loads(visual_path.read_text())
    visual["visual"]["query"]["queryState"]["Nope"] = {"projections": []}
    visual_path.write_text(json.dumps(visual))
    result = validate_report(copied / "CustomerSegmentation.pbip", "--no-schema")[
        "data"
    ]
    assert (result["result"], result["errorCount"]) == ("failed", 1)
    assert list(result["diagnostics"]) == ["PBIR_ROLE_UNKNOWN"]
