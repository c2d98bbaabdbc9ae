"""Figures of the report, embedded in the HTML as base64 PNG (the file stays self-contained).

The figures themselves come from the library (:mod:`engagement_lib.plots`,
:mod:`engagement_lib.analysis`); this module only renders them to PNG data
URIs and closes them.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

__all__ = ["Figure", "embed", "DPI"]

#: Resolution of the embedded PNGs (a compromise between sharpness and file size).
DPI = 96


@dataclass(frozen=True)
class Figure:
    """An embedded figure: a ``data:image/png;base64,...`` URI and its alt text."""

    uri: str
    alt: str
    width: int
    height: int


def embed(fig, alt: str, *, dpi: int = DPI) -> Figure:
    """Render a matplotlib figure to a PNG data URI and close it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    alt : str
        Text alternative (for screen readers and when images are off).
    dpi : int
        Resolution.
    """
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    finally:
        plt.close(fig)
    data = buffer.getvalue()
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    return Figure("data:image/png;base64," + base64.b64encode(data).decode("ascii"), alt,
                  width, height)
