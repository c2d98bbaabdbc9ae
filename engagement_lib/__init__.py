"""engagement_lib: how French collectivités use social networks, measured openly."""

from __future__ import annotations

from .datasets import list_datasets, load_dataset
from .errors import EngagementError, ExportFormatError, SchemaError
from .schema import MediaType, Network, validate

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "EngagementError",
    "ExportFormatError",
    "SchemaError",
    "MediaType",
    "Network",
    "list_datasets",
    "load_dataset",
    "validate",
]
