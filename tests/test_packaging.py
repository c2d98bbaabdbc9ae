"""Packaging: pyproject.toml and environment.yml name the same dependencies; the
console script and version are wired."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import pytest
from conftest import REPO

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
# conda-forge names that differ from PyPI names
_CONDA_TO_PYPI = {"matplotlib-base": "matplotlib"}


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject():
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _names(specs):
    return {_canon(_NAME.match(s).group(1)) for s in specs}


def _environment_yml():
    """Return (conda dependency names, python pin, pip lines) of environment.yml."""
    conda, pip_lines, in_pip, python, section = set(), [], False, None, None
    for raw in (REPO / "environment.yml").read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if not line[0].isspace() and line.endswith(":"):
            section = line[:-1]
            continue
        if section != "dependencies":
            continue
        stripped = line.strip()
        if stripped.startswith("- pip:"):
            in_pip = True
            continue
        if not stripped.startswith("- "):
            in_pip = False
            continue
        item = stripped[2:].strip()
        indent = len(line) - len(line.lstrip())
        if in_pip and indent > 2:
            pip_lines.append(item)
            continue
        in_pip = False
        name = _NAME.match(item).group(1)
        if name == "python":
            python = item
        elif name != "pip":
            conda.add(_canon(_CONDA_TO_PYPI.get(name, name)))
    return conda, python, pip_lines


def test_environment_yml_matches_pyproject_runtime_dependencies():
    runtime = _names(_pyproject()["project"]["dependencies"])
    conda, _, _ = _environment_yml()
    assert conda == runtime, (
        f"only in environment.yml: {sorted(conda - runtime)}; "
        f"only in pyproject.toml: {sorted(runtime - conda)}"
    )


def test_environment_yml_pins_python_minor_and_installs_dev_extra():
    _, python, pip_lines = _environment_yml()
    assert python is not None and re.fullmatch(r"python=3\.1\d", python), python
    requires = _pyproject()["project"]["requires-python"]
    assert requires == ">=3.11"
    assert "-e .[dev]" in pip_lines


def test_dev_tools_are_pinned_exactly_and_dask_stays_optional():
    project = _pyproject()["project"]
    extras = project["optional-dependencies"]
    assert all("==" in spec for spec in extras["dev"]), extras["dev"]
    required = {"pytest", "nbval", "jupyterlab", "ipykernel", "nbconvert", "jupytext",
                "papermill", "hypothesis", "ruff", "duckdb"}
    assert required <= _names(extras["dev"])
    assert "dask" in _names(extras["scale"])
    assert not any(n.startswith("dask") for n in _names(project["dependencies"]))


def test_runtime_dependencies_have_lower_bounds():
    for spec in _pyproject()["project"]["dependencies"]:
        assert ">=" in spec, f"{spec} has no lower bound"


@pytest.mark.parametrize("args", [["--version"], ["--help"]])
def test_console_script_answers(args):
    out = subprocess.run(
        [sys.executable, "-m", "engagement_lib.cli", *args],
        capture_output=True, text=True, check=True,
    )
    import engagement_lib

    if args == ["--version"]:
        assert out.stdout.strip() == f"engagement_lib {engagement_lib.__version__}"
    else:
        assert "usage: engagement" in out.stdout
