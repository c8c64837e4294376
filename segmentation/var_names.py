"""The vars this project reads, from the one list of them in dbt_project.yml.

dbt ignores a ``--vars`` key that nothing reads, so a misspelt name (say
``segmentation_feature``) would cluster on the defaults without a word. The
on-run-start checks (macros/segmentation_vars.sql) refuse such a key instead.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml


def declared_var_names(project_dir: str | Path) -> list[str]:
    """The names under ``vars:`` in the project's dbt_project.yml, in order;
    vars scoped under the project's own name (which dbt allows) count too."""
    text = (Path(project_dir) / "dbt_project.yml").read_text(encoding="utf-8")
    project = yaml.safe_load(text) or {}
    names = []
    for name, value in (project.get("vars") or {}).items():
        if name == project.get("name") and isinstance(value, dict):
            names.extend(value)
        else:
            names.append(name)
    return names


def unknown_vars_message(given: list[str], declared: list[str]) -> str | None:
    """One line naming each given var that is not declared, with the closest
    declared name when one is close; None when every name is declared."""
    unknown = [name for name in given if name not in declared]
    if not unknown:
        return None
    # dbt's var names are case-sensitive; the guess is not, so that
    # K_MAX is pointed to k_max.
    by_lower_name = {name.lower(): name for name in declared}
    named = []
    for name in unknown:
        close = difflib.get_close_matches(name.lower(), by_lower_name, n=1)
        guess = f" (did you mean '{by_lower_name[close[0]]}'?)" if close else ""
        named.append(f"'{name}'{guess}")
    noun = "var" if len(unknown) == 1 else "vars"
    return (
        f"Unknown {noun} {', '.join(named)}: this project reads only"
        f" {', '.join(declared)} (dbt_project.yml)."
    )
