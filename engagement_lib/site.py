"""Execute the notebook collection and render it as a static site.

``python -m engagement_lib.site --out build/site`` executes every
``notebooks/NN-*.ipynb`` in reading order (copies, the committed notebooks are
left as they are), renders one HTML page per notebook and an ``index.html``
listing each notebook's title and question. ``--in-place`` writes the executed
notebooks back, refreshes their jupytext text twins and the index section of
``notebooks/README.md`` (what a maintainer runs before committing).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, select_autoescape

from ._paths import REPO_ROOT, notebooks_dir

__all__ = ["NotebookInfo", "collect_notebooks", "execute_notebook", "build_site", "main"]

_NOTEBOOK = re.compile(r"^(\d{2})-[a-z0-9-]+\.ipynb$")
_QUESTION_PREFIX = re.compile(r"^\*\*?(Question|Question de recherche)\s*:?\*?\*?\s*:?\s*")
_INDEX_START = "<!-- notebook-index:start -->"
_INDEX_END = "<!-- notebook-index:end -->"

_INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>engagement_lib — research notebooks</title>
<style>
 body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem;
        line-height: 1.5; color: #222; }
 h1 { font-size: 1.6rem; } li { margin: .8rem 0; } .q { color: #555; }
 .meta { color: #777; font-size: .85rem; }
</style>
</head>
<body>
<h1>engagement_lib — research notebooks</h1>
<p>How French collectivités use social networks: notebooks executed on the bundled data
(engagement_lib {{ version }}).</p>
<ol>
{% for nb in notebooks %}
 <li><a href="{{ nb.html_name }}">{{ nb.number }}. {{ nb.title }}</a><br>
  <span class="q">{{ nb.question }}</span>
  {% if nb.seconds is not none %}<br><span class="meta">executed in {{ "%.1f"|format(nb.seconds) }} s</span>{% endif %}
 </li>
{% endfor %}
</ol>
</body>
</html>
"""


#: nbconvert's lab template without what it would fetch from a CDN: require.js (only
#: needed by widgets) and mermaid (diagrams) are dropped, MathJax is kept only for
#: notebooks whose markdown holds TeX. The pages then render offline, without
#: console errors (tests/test_browser.py).
_OFFLINE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
{%- if resources.get('needs_mathjax') -%}{{ super() }}{%- endif -%}
{%- endblock html_head_js_mathjax -%}
"""

_TEX = re.compile(r"\$\$|\$[^$\n]+\$|\\\(|\\\[|\\begin\{")


def _needs_mathjax(nb) -> bool:
    """Whether a notebook's markdown holds TeX (``$...$``, ``\\(...\\)``, ``\\begin{...}``)."""
    return any(cell.get("cell_type") == "markdown" and _TEX.search(_markdown_text(cell))
               for cell in nb.get("cells", []))


def _exporter():
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab", template_file="offline.html.j2",
                        extra_loaders=[DictLoader({"offline.html.j2": _OFFLINE_TEMPLATE})])


@dataclass(frozen=True)
class NotebookInfo:
    """A notebook of the collection: its file, number, title and question."""

    path: Path
    number: str
    title: str
    question: str

    @property
    def html_name(self) -> str:
        """File name of its rendered page."""
        return self.path.with_suffix(".html").name


def _markdown_text(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _title_and_question(path: Path) -> tuple[str, str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        text = _markdown_text(cell)
        titles = [ln.strip() for ln in text.splitlines() if ln.strip().startswith("# ")]
        if not titles:
            continue
        title = titles[0][2:].strip()
        paragraphs = [
            " ".join(ln.strip() for ln in block.splitlines())
            for block in re.split(r"\n\s*\n", text)
            if block.strip() and not block.strip().startswith("#")
        ]
        question = paragraphs[0] if paragraphs else ""
        return title, _QUESTION_PREFIX.sub("", question)
    return path.stem, ""


def collect_notebooks(folder: Path | None = None) -> list[NotebookInfo]:
    """Return the numbered notebooks of ``folder`` in reading order.

    Files not named ``NN-kebab-title.ipynb`` (the template, scratch files) are
    left out.
    """
    folder = Path(folder) if folder is not None else notebooks_dir()
    infos = []
    for path in sorted(folder.glob("*.ipynb")):
        match = _NOTEBOOK.match(path.name)
        if match:
            title, question = _title_and_question(path)
            infos.append(NotebookInfo(path, match.group(1), title, question))
    return infos


def execute_notebook(path: Path, *, timeout: int = 900):
    """Execute a notebook in its own folder and return the executed ``NotebookNode``."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return nb


def _write_index_section(infos: list[NotebookInfo], readme: Path) -> None:
    lines = [_INDEX_START, "", "| # | notebook | question |", "|---|---|---|"]
    for nb in infos:
        lines.append(f"| {nb.number} | [{nb.title}]({nb.path.name}) | {nb.question} |")
    lines += ["", _INDEX_END]
    block = "\n".join(lines)
    text = readme.read_text(encoding="utf-8") if readme.exists() else "# Notebooks\n\n"
    if _INDEX_START in text and _INDEX_END in text:
        head, rest = text.split(_INDEX_START, 1)
        text = head + block + rest.split(_INDEX_END, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")


def build_site(
    out: Path, *, folder: Path | None = None, execute: bool = True, in_place: bool = False,
    timeout: int = 900,
) -> Path:
    """Execute (optionally) and render the notebook collection.

    Parameters
    ----------
    out : path
        Folder of the site; ``out/index.html`` is written last.
    folder : path, optional
        Notebook folder (default ``notebooks/``).
    execute : bool, default True
        Run each notebook before rendering; otherwise render stored outputs.
    in_place : bool, default False
        Write the executed notebooks back, refresh their jupytext ``.py``
        twins and the index section of ``notebooks/README.md``.
    timeout : int
        Seconds allowed per cell.

    Returns
    -------
    pathlib.Path
        The path of ``index.html``.
    """
    import nbformat

    from . import __version__

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    infos = collect_notebooks(folder)
    exporter = _exporter()
    timings = {}
    for nb_info in infos:
        start = time.perf_counter()
        if execute:
            print(f"executing {nb_info.path.name} ...", flush=True)
            nb = execute_notebook(nb_info.path, timeout=timeout)
            timings[nb_info.path] = time.perf_counter() - start
            if in_place:
                nbformat.write(nb, nb_info.path)
                import jupytext

                jupytext.write(nb, nb_info.path.with_suffix(".py"), fmt="py:percent")
        else:
            nb = nbformat.read(nb_info.path, as_version=4)
        body, _ = exporter.from_notebook_node(nb, resources={"needs_mathjax": _needs_mathjax(nb)})
        (out / nb_info.html_name).write_text(body, encoding="utf-8")
    if in_place:
        _write_index_section(infos, (Path(folder) if folder else notebooks_dir()) / "README.md")
    env = Environment(autoescape=select_autoescape(default=True))
    rows = [dict(nb.__dict__, html_name=nb.html_name, seconds=timings.get(nb.path)) for nb in infos]
    index = out / "index.html"
    index.write_text(
        env.from_string(_INDEX_TEMPLATE).render(notebooks=rows, version=__version__),
        encoding="utf-8",
    )
    return index


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (``python -m engagement_lib.site``)."""
    parser = argparse.ArgumentParser(prog="python -m engagement_lib.site", description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "build" / "site")
    parser.add_argument("--notebooks", type=Path, default=None, help="notebook folder")
    parser.add_argument("--no-execute", action="store_true", help="render stored outputs only")
    parser.add_argument("--in-place", action="store_true", help="write executed notebooks back")
    args = parser.parse_args(argv)
    index = build_site(
        args.out, folder=args.notebooks, execute=not args.no_execute, in_place=args.in_place
    )
    print(f"site written: {index.resolve()}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
