"""The marts the figures need, read from the DuckDB file without writing to it.

Opening the file read-only lets the figures run while Power BI or a SQL
client has it open too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

PROJECT_DIR = Path(__file__).resolve().parents[1]
# The same default as profiles.yml, relative to the project like dbt's.
DEFAULT_DATABASE = "mall_segmentation.duckdb"

# Each mart with the order its rows are read in.
MART_ORDER = {
    "customer_segments": "customer_id",
    "segment_profiles": "segment_id",
    "segment_centroids": "segment_id, feature_position",
    "k_evaluation": "k",
    "segmentation_run_summary": "input_rows",
    "segment_monthly_sales": "segment_id, month_start",
}
# The customer file's columns and the order lines' RFM columns of
# customer_segments: a run without that input leaves them all NULL.
PROFILE_COLUMNS = ["gender", "age", "annual_income_k", "spending_score"]
RFM_COLUMNS = ["recency_days", "frequency", "monetary"]


class MartsUnavailable(Exception):
    """The marts cannot be read; the message is one line for the user."""


@dataclass(frozen=True)
class Marts:
    customers: pd.DataFrame
    profiles: pd.DataFrame
    centroids: pd.DataFrame
    k_evaluation: pd.DataFrame
    run_summary: pd.DataFrame
    # Empty without order lines.
    monthly_sales: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def has_profiles(self) -> bool:
        """The customers have gender, age, income or spending score."""
        return _any_value(self.customers, PROFILE_COLUMNS)

    @property
    def has_rfm(self) -> bool:
        """The customers have RFM values (the run read order lines)."""
        return _any_value(self.customers, RFM_COLUMNS)

    @property
    def features(self) -> list[str]:
        """The clustering features, in the pipeline's canonical order."""
        ordered = self.centroids.sort_values("feature_position")
        return list(dict.fromkeys(ordered["feature"]))

    @property
    def currency(self) -> str | None:
        """The unit of the order lines' amounts (the var currency), or None
        when the build recorded none."""
        value = self.run_summary["currency"].iloc[0]
        return None if pd.isna(value) else str(value)

    @property
    def segment_ids(self) -> list[int]:
        return [int(segment_id) for segment_id in self.profiles["segment_id"]]

    @property
    def selected(self) -> pd.Series:
        """The k_evaluation row of the k the segments use."""
        return self.k_evaluation.loc[self.k_evaluation["is_selected"]].iloc[0]


def _any_value(frame: pd.DataFrame, columns: list[str]) -> bool:
    present = [column for column in columns if column in frame.columns]
    return bool(present) and bool(frame[present].notna().any().any())


def database_path(
    environ: Mapping[str, str] = os.environ, project_dir: Path = PROJECT_DIR
) -> Path:
    """DBT_DUCKDB_PATH, or the project default; relative paths start at the
    project folder, where `make build` runs dbt."""
    path = Path(environ.get("DBT_DUCKDB_PATH") or DEFAULT_DATABASE).expanduser()
    return path if path.is_absolute() else project_dir / path


def load_marts(path: Path) -> Marts:
    """Every mart the figures use, or MartsUnavailable saying what to do."""
    if not path.is_file():
        raise MartsUnavailable(
            f"{path}: database not found; run `make build` first to create the marts"
        )
    try:
        connection = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        reason = str(error).strip().splitlines()[0]
        raise MartsUnavailable(f"{path}: cannot open read-only: {reason}") from None
    with connection:
        present = {
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables"
                " where table_schema = 'marts'"
            ).fetchall()
        }
        missing = [name for name in MART_ORDER if name not in present]
        if missing:
            raise MartsUnavailable(
                f"{path}: table marts.{missing[0]} not found; run `make build`"
                " first to create the marts"
            )
        frames = {
            name: connection.sql(f"select * from marts.{name} order by {order}").df()
            for name, order in MART_ORDER.items()
        }
    if frames["customer_segments"].empty:
        raise MartsUnavailable(
            f"{path}: marts.customer_segments is empty; run `make build` first"
        )
    mixed = runs_apart(frames)
    if mixed:
        raise MartsUnavailable(
            f"{path}: the marts come from different runs ({mixed}); a build that"
            " failed or built only some marts leaves them so: run `dbt build`"
            " again"
        )
    return Marts(
        customers=frames["customer_segments"],
        profiles=frames["segment_profiles"],
        centroids=frames["segment_centroids"],
        k_evaluation=frames["k_evaluation"],
        run_summary=frames["segmentation_run_summary"],
        monthly_sales=frames["segment_monthly_sales"],
    )


def runs_apart(frames: Mapping[str, pd.DataFrame]) -> str:
    """How the marts show that they were not all built by one run, or "".

    A failed `dbt build` or one of some marts leaves the others as they
    were, and figures drawn from them would put one run's customers under
    another's segments.
    """
    customers = frames["customer_segments"]
    segmented = int(frames["segmentation_run_summary"]["segmented_rows"].sum())
    if len(customers) != segmented:
        return (
            f"customer_segments has {len(customers):,} customers,"
            f" segmentation_run_summary counts {segmented:,}"
        )
    profiles = frames["segment_profiles"]
    counted = {
        int(segment): int(count)
        for segment, count in zip(
            profiles["segment_id"], profiles["customer_count"], strict=True
        )
    }
    found = {
        int(segment): int(count)
        for segment, count in customers["segment_id"].value_counts().items()
    }
    if found != counted:
        return (
            f"customer_segments has customers in {len(found)} segments,"
            f" segment_profiles describes {len(counted)}"
            if len(found) != len(counted)
            else "customer_segments and segment_profiles count the segments'"
            " customers differently"
        )
    return ""
