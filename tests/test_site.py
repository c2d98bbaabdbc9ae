"""The rendered site of the notebook collection and the notebook index."""

from __future__ import annotations

import json

import pytest
from conftest import REPO

from engagement_lib import site


def _notebook(title, question, body="print(1)"):
    return {
        "cells": [
            {"cell_type": "markdown", "id": "title", "metadata": {}, "source": [f"# {title}\n", "\n", f"**Question:** {question}\n"]},
            {"cell_type": "code", "id": "body", "metadata": {}, "execution_count": None, "outputs": [], "source": [body]},
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }


def test_collect_keeps_numbered_notebooks_in_reading_order(tmp_path):
    for name, title in [("02-b.ipynb", "Two"), ("01-a.ipynb", "One"), ("_template.ipynb", "T"), ("scratch.ipynb", "S")]:
        (tmp_path / name).write_text(json.dumps(_notebook(title, f"why {title}?")))
    infos = site.collect_notebooks(tmp_path)
    assert [i.path.name for i in infos] == ["01-a.ipynb", "02-b.ipynb"]
    assert [(i.title, i.question) for i in infos] == [("One", "why One?"), ("Two", "why Two?")]


def test_site_index_lists_titles_and_escapes_them(tmp_path):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    (nbs / "01-x.ipynb").write_text(json.dumps(_notebook("<b>Bold</b> & co", "is <script> escaped?")))
    index = site.build_site(tmp_path / "site", folder=nbs, execute=False)
    html = index.read_text()
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in html
    assert "<script>" not in html
    assert (tmp_path / "site" / "01-x.html").is_file()


@pytest.mark.slow
def test_site_executes_notebooks_and_refreshes_twins(tmp_path):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    (nbs / "01-x.ipynb").write_text(json.dumps(_notebook("X", "q?", "print(6 * 7)")))
    site.build_site(tmp_path / "site", folder=nbs, in_place=True)
    executed = json.loads((nbs / "01-x.ipynb").read_text())
    outputs = executed["cells"][1]["outputs"]
    assert outputs and "42" in "".join(outputs[0]["text"])
    assert "print(6 * 7)" in (nbs / "01-x.py").read_text()
    assert "| 01 | [X](01-x.ipynb) | q? |" in (nbs / "README.md").read_text()


def test_committed_notebooks_each_have_a_text_twin_and_an_index_entry():
    folder = REPO / "notebooks"
    index = (folder / "README.md").read_text(encoding="utf-8")
    for info in site.collect_notebooks(folder):
        assert info.path.with_suffix(".py").is_file(), f"{info.path.name} has no jupytext twin"
        assert f"]({info.path.name})" in index, f"{info.path.name} missing from notebooks/README.md"


def test_committed_notebooks_are_executed_with_a_parameters_cell():
    for info in site.collect_notebooks(REPO / "notebooks"):
        nb = json.loads(info.path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(c.get("execution_count") for c in code), f"{info.path.name} is not fully executed"
        tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"{info.path.name} needs exactly one cell tagged 'parameters'"
        errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, f"{info.path.name} was committed with an error output"


