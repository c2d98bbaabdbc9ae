"""engagement_lib: how French collectivités use social networks, measured openly.

The data flow, one direction: ``read_exports`` (platform exports → raw rows) →
``clean`` (canonical tables + quarantine + report) → ``compute`` /
``monthly_dashboard`` (cited indicators with intervals) → ``engagement_lib.analysis``
(compare, timing, responsiveness, events, clusters) → figures, notebooks, report.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .cleaning import CleanData, CleaningReport, clean
from .datasets import list_datasets, load_dataset
from .errors import EngagementError, ExportFormatError, SchemaError
from .indicators import catalog, compute, monthly_dashboard
from .readers import read_export, read_exports, read_table
from .schema import MediaType, Network, validate

__all__ = [
    "__version__",
    "CleanData",
    "CleaningReport",
    "EngagementError",
    "ExportFormatError",
    "MediaType",
    "Network",
    "SchemaError",
    "catalog",
    "clean",
    "compute",
    "list_datasets",
    "load_dataset",
    "monthly_dashboard",
    "read_export",
    "read_exports",
    "read_table",
    "validate",
]
