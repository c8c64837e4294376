"""Every file of the PBIP project, as text, and writing or checking them."""

from __future__ import annotations

import json
from pathlib import Path

from powerbi_project.manifest import Marts
from powerbi_project.report import report_files
from powerbi_project.semantic_model import lineage_tag, semantic_model_files
from powerbi_project.visuals import SCHEMA_ROOT

NAME = "CustomerSegmentation"
MODEL_FOLDER = f"{NAME}.SemanticModel"
REPORT_FOLDER = f"{NAME}.Report"
# The generated paths; anything else in powerbi/ (tools/, .gitignore) is not.
GENERATED = (f"{NAME}.pbip", MODEL_FOLDER, REPORT_FOLDER)

PBIP_SCHEMA = f"{SCHEMA_ROOT}/pbip/pbipProperties/1.0.0/schema.json"
PBIR_SCHEMA = f"{SCHEMA_ROOT}/item/report/definitionProperties/2.0.0/schema.json"
PBISM_SCHEMA = (
    f"{SCHEMA_ROOT}/item/semanticModel/definitionProperties/1.0.0/schema.json"
)
PLATFORM_SCHEMA = f"{SCHEMA_ROOT}/gitIntegration/platformProperties/2.0.0/schema.json"


def json_text(document: object) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def platform(item_type: str) -> dict:
    return {
        "$schema": PLATFORM_SCHEMA,
        "metadata": {"type": item_type, "displayName": NAME},
        "config": {"version": "2.0", "logicalId": lineage_tag("platform", item_type)},
    }


def project_files(marts: Marts) -> dict[str, str]:
    """Path under powerbi/ -> file text (LF line endings, no BOM)."""
    files = {
        f"{NAME}.pbip": json_text(
            {
                "$schema": PBIP_SCHEMA,
                "version": "1.0",
                "artifacts": [{"report": {"path": REPORT_FOLDER}}],
                "settings": {"enableAutoRecovery": True},
            }
        ),
        f"{MODEL_FOLDER}/definition.pbism": json_text(
            {"$schema": PBISM_SCHEMA, "version": "4.0", "settings": {}}
        ),
        f"{MODEL_FOLDER}/.platform": json_text(platform("SemanticModel")),
        f"{REPORT_FOLDER}/definition.pbir": json_text(
            {
                "$schema": PBIR_SCHEMA,
                "version": "4.0",
                "datasetReference": {"byPath": {"path": f"../{MODEL_FOLDER}"}},
            }
        ),
        f"{REPORT_FOLDER}/.platform": json_text(platform("Report")),
    }
    for path, text in semantic_model_files(marts).items():
        files[f"{MODEL_FOLDER}/{path}"] = text
    for path, document in report_files(marts).items():
        files[f"{REPORT_FOLDER}/{path}"] = json_text(document)
    return dict(sorted(files.items()))


def files_on_disk(root: Path) -> dict[str, str]:
    """The generated part of ``root`` as it is now, read byte for byte."""
    found = {}
    for top in GENERATED:
        path = root / top
        paths = (
            [path]
            if path.is_file()
            else sorted(p for p in path.rglob("*") if p.is_file())
        )
        for file in paths:
            # Power BI Desktop's own files (.pbi/ cache and settings) are ignored.
            if ".pbi" in file.relative_to(root).parts:
                continue
            found[file.relative_to(root).as_posix()] = file.read_bytes().decode("utf-8")
    return dict(sorted(found.items()))


def differences(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    missing = [f"missing: {p}" for p in expected if p not in actual]
    extra = [f"not generated: {p}" for p in actual if p not in expected]
    changed = [
        f"differs: {p}" for p in expected if p in actual and expected[p] != actual[p]
    ]
    return missing + extra + changed


def write(root: Path, files: dict[str, str]) -> list[str]:
    """Write ``files`` under ``root``, removing generated files no longer
    generated; returns what changed."""
    on_disk = files_on_disk(root)
    changes = differences(files, on_disk)
    for path in on_disk:
        if path not in files:
            (root / path).unlink()
            # A folder left empty (a removed visual's) would make Power BI's
            # validator report a visual without its visual.json.
            folder = (root / path).parent
            while folder != root and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_bytes() != text.encode("utf-8"):
            target.write_bytes(text.encode("utf-8"))
    return changes
