"""Notebook 08 runs the whole analysis on an analyst's own exports, parameterised by papermill."""

from __future__ import annotations

import json

import pytest
from conftest import REPO

NOTEBOOK = REPO / "notebooks" / "08-your-own-data.ipynb"
EXPORTS = REPO / "datasets" / "raw" / "romans_sur_isere"

pytestmark = pytest.mark.slow


def _outputs(nb) -> str:
    texts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                texts.append("".join(out["text"]))
            elif out.get("output_type") == "error":
                texts.append(f"ERROR {out['ename']}: {out['evalue']}")
    return "\n".join(texts)


def test_parameters_cell_declares_what_an_analyst_sets():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1
    source = "".join(tagged[0]["source"])
    for name in ("EXPORTS_DIR", "COLLECTIVITE", "POPULATION", "MONTH", "LANG", "OUTPUT_DIR"):
        assert f"{name} = " in source, name


def test_papermill_runs_notebook_08_on_the_bundled_exports(tmp_path):
    papermill = pytest.importorskip("papermill")
    if not EXPORTS.is_dir():
        pytest.skip("bundled raw exports (datasets/raw) not generated yet")
    out = tmp_path / "08-out.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK), str(out), cwd=str(tmp_path), progress_bar=False, kernel_name="python3",
        parameters={"EXPORTS_DIR": str(EXPORTS), "COLLECTIVITE": "Romans-sur-Isère",
                    "POPULATION": 33000, "MONTH": "2018-12", "LANG": "en",
                    "OUTPUT_DIR": str(tmp_path)},
    )
    nb = json.loads(out.read_text(encoding="utf-8"))
    text = _outputs(nb)
    assert "ERROR" not in text
    assert "posts in 2018-12" in text
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert injected and "33000" in "".join(injected[0]["source"])
    report = tmp_path / "08-report-romans_sur_isere-2018-12-en.html"
    html = report.read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "December 2018" in html
    assert "33,000 inhabitants" in html
