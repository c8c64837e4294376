"""The dbt docs: every model, seed and column described, exposures wired to
the marts, and the static site working in a real (headless) browser."""

from __future__ import annotations

import json
import re
from collections import deque
from pathlib import Path

import pytest
from conftest import MARTS, PROJECT_DIR
from mart_data import MART_ORDER

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = PROJECT_DIR / "test-artifacts"
SCREENSHOTS = ("docs_project_tree.png", "docs_lineage_graph.png")
DASHBOARD = "exposure.mall_segmentation.customer_segments_dashboard"
FIGURES = "exposure.mall_segmentation.segment_figures"


def is_unfilled_template_url(url: str) -> bool:
    """dbt-docs' page asks for a few URLs that are still template text: its
    <img src="{{ getIcon(...) }}"> before Angular fills it in, and the
    favicon's "${require(...)}". Loading them fails harmlessly, and is no
    error of this project; an encoded "{" in the URL marks them."""
    return "%7B" in url


@pytest.fixture(scope="module")
def manifest(docs_target) -> dict:
    return json.loads((docs_target / "manifest.json").read_text())


def undescribed_columns(unique_id: str, node: dict, columns: list[str]) -> list[str]:
    """Each of ``columns`` (as the database has them) that the node's YAML
    does not describe, as "<unique_id>.<column>"."""
    declared = {
        name.lower(): column["description"].strip()
        for name, column in node["columns"].items()
    }
    return [f"{unique_id}.{name}" for name in columns if not declared.get(name.lower())]


def test_every_model_seed_and_column_is_described(docs_target, manifest):
    catalog = json.loads((docs_target / "catalog.json").read_text())
    nodes = {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] in ("model", "seed", "analysis")
    }
    assert len([n for n in nodes.values() if n["resource_type"] == "seed"]) == 2
    undescribed = [
        unique_id
        for unique_id, node in nodes.items()
        if not node["description"].strip()
    ]
    # Columns as the database has them (catalog) and as the YAML declares them.
    for unique_id, entry in catalog["nodes"].items():
        undescribed += undescribed_columns(
            unique_id, manifest["nodes"][unique_id], list(entry["columns"])
        )
    for unique_id, node in nodes.items():
        undescribed += [
            f"{unique_id}.{name}"
            for name, column in node["columns"].items()
            if not column["description"].strip()
        ]
    assert undescribed == []
    models_in_catalog = {
        unique_id for unique_id in catalog["nodes"] if unique_id.startswith("model.")
    }
    assert {f"model.mall_segmentation.{mart}" for mart in MARTS} <= models_in_catalog
    assert (
        "{% docs"
        not in (
            manifest["docs"]["doc.mall_segmentation.__overview__"]["block_contents"]
        )
    )


def test_every_column_an_order_lines_build_writes_is_described(
    online_retail_build,
):
    """The columns that exist only with order lines (RFM features and their
    z-scores, the order-lines models), which the bundled build's docs
    above cannot show: each table and view the build wrote against the
    descriptions in its manifest."""
    manifest = json.loads(
        (online_retail_build.database.parent / "target" / "manifest.json").read_text()
    )
    written = {}
    for table_schema, table_name, column_name in online_retail_build.query(
        "select table_schema, table_name, column_name"
        " from information_schema.columns where table_catalog = current_database()"
    ):
        written.setdefault((table_schema, table_name), []).append(column_name)
    undescribed = []
    described_tables = 0
    for unique_id, node in manifest["nodes"].items():
        columns = written.get((node.get("schema"), node.get("alias")))
        if node["resource_type"] not in ("model", "seed") or columns is None:
            continue
        described_tables += 1
        undescribed += undescribed_columns(unique_id, node, columns)
    # The 25 models and 2 seeds of a run on order lines alone.
    assert described_tables == 27
    assert undescribed == []


def test_exposures_close_the_lineage(manifest):
    exposures = manifest["exposures"]
    assert sorted(exposures) == [DASHBOARD, FIGURES]
    dashboard = exposures[DASHBOARD]
    assert dashboard["type"] == "dashboard"
    assert dashboard["maturity"] == "medium"
    assert "power_bi" in dashboard["tags"]
    assert dashboard["owner"]["name"] == "Marketing Analytics"
    assert dashboard["owner"]["email"] == "marketing-analytics@example.com"
    assert exposures[FIGURES]["type"] == "analysis"
    # The figures script reads exactly the marts its loader names; the
    # dashboard reads at least the core marts, and only marts.
    assert set(exposures[FIGURES]["depends_on"]["nodes"]) == {
        f"model.mall_segmentation.{mart}" for mart in MART_ORDER
    }
    assert {f"model.mall_segmentation.{mart}" for mart in MARTS} <= set(
        dashboard["depends_on"]["nodes"]
    )
    for exposure in exposures.values():
        assert exposure["description"].strip()
        assert {
            manifest["nodes"][unique_id]["schema"]
            for unique_id in exposure["depends_on"]["nodes"]
        } == {"marts"}

    # Walk upstream from the dashboard: seed -> staging -> intermediate ->
    # Python models -> marts -> Power BI.
    upstream, queue = set(), deque([DASHBOARD])
    while queue:
        for parent in manifest["parent_map"][queue.popleft()]:
            if parent not in upstream:
                upstream.add(parent)
                queue.append(parent)
    python_models = {
        unique_id
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["language"] == "python"
    }
    assert python_models == {
        "model.mall_segmentation.int_k_evaluation",
        "model.mall_segmentation.int_segment_centroids",
    }
    assert python_models <= upstream
    assert {
        "seed.mall_segmentation.mall_customers",
        "model.mall_segmentation.stg_customers",
        "model.mall_segmentation.int_customer_features",
    } <= upstream


def _spaced(text: str) -> re.Pattern:
    """Matches text even where the docs UI splits it across spans."""
    return re.compile(r"^\s*" + r"\s*".join(map(re.escape, text)) + r"\s*$")


def test_static_docs_site_in_headless_chromium(docs_target, manifest):
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: `make test` installs Debian's chromium"
            " (apt-get install -y chromium) before running the tests"
        )
    from playwright.sync_api import sync_playwright

    site = docs_target / "static_index.html"
    marts_in_project = {
        unique_id
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    }
    ARTIFACTS.mkdir(exist_ok=True)
    # An earlier run's screenshots must not stand in for this run's.
    for name in SCREENSHOTS:
        (ARTIFACTS / name).unlink(missing_ok=True)
    page_errors, console_errors, outside_requests = [], [], []

    def record_console_error(message) -> None:
        if message.type == "error" and not (
            is_unfilled_template_url(message.text)
            or is_unfilled_template_url(message.location["url"])
        ):
            console_errors.append(f"{message.text} ({message.location['url']})")

    def record_outside_request(request) -> None:
        if not request.url.startswith(("file:", "data:")):
            outside_requests.append(request.url)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(30_000)
            page.on("pageerror", lambda error: page_errors.append(str(error)))
            page.on("console", record_console_error)
            page.on("request", record_outside_request)
            page.goto(site.as_uri())
            page.get_by_role(
                "heading", name="Customer segmentation", exact=True
            ).wait_for()

            # The project tree: open mall_segmentation > models > marts.
            menu = page.locator(".app-menu")
            for folder in ("mall_segmentation", "models", "marts"):
                menu.locator("a.menu-tree:visible").filter(
                    has_text=_spaced(folder)
                ).click()
            listed = menu.locator(
                "a.menu-node[data-nav-unique-id^='model.']:visible"
            ).evaluate_all("links => links.map(a => a.dataset.navUniqueId)")
            page.screenshot(path=ARTIFACTS / SCREENSHOTS[0])

            # The full lineage graph, drawn by cytoscape on a canvas: read
            # its nodes from the cytoscape instance behind the container.
            page.locator("a[title='View Lineage Graph']").click()
            graph = page.wait_for_function(
                """(exposure) => {
                    for (const c of document.querySelectorAll(
                            '.__________cytoscape_container')) {
                        const cy = c._cyreg && c._cyreg.cy;
                        const node = cy && cy.getElementById(exposure);
                        if (node && node.length && node.visible()) {
                            return {
                                label: node.data('label'),
                                type: node.data('resource_type'),
                                upstream: node.predecessors('node')
                                    .map(n => n.id()),
                            };
                        }
                    }
                    return null;
                }""",
                arg=DASHBOARD,
            ).json_value()
            page.wait_for_timeout(500)  # let the layout settle for the picture
            page.screenshot(path=ARTIFACTS / SCREENSHOTS[1])
        finally:
            browser.close()

    assert page_errors == []
    assert console_errors == []
    assert outside_requests == [], "the static site must work with no network"
    assert set(listed) == marts_in_project
    assert {f"model.mall_segmentation.{mart}" for mart in MARTS} <= set(listed)
    assert graph["label"] == "Customer segments dashboard (Power BI)"
    assert graph["type"] == "exposure"
    assert {
        "seed.mall_segmentation.mall_customers",
        "model.mall_segmentation.stg_customers",
        "model.mall_segmentation.int_k_evaluation",
        "model.mall_segmentation.segment_profiles",
    } <= set(graph["upstream"])
    for name in SCREENSHOTS:
        assert (ARTIFACTS / name).stat().st_size > 10_000
