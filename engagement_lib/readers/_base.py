"""The contract between readers and cleaning: :class:`RawExport`.

A reader turns one file into one ``RawExport``: the rows it found, already
renamed to canonical column names and parsed into Python/pandas values, plus
everything :mod:`engagement_lib.cleaning` needs to finish the job (which
platform and layout, which timezone the timestamps are in, when the file was
exported, and the cells that could not be parsed).

Row-level contract of ``RawExport.rows``
----------------------------------------
* ``source_row`` (int): the 1-based physical line number in the file (for a
  workbook: the 1-based row number in its sheet), so that an error or a
  quarantined row points at the exact place.
* Canonical columns where the layout has them (see ``engagement_lib.schema``):
  for posts ``post_id`` (str), ``published_at``, ``media_type`` (the
  platform's raw label, mapped by cleaning), ``text``, ``permalink``,
  ``is_paid`` and the metrics of ``schema.METRICS`` as nullable ``Int64``;
  for followers ``date``, ``followers``, ``new_followers``,
  ``lost_followers``; for audience ``date``, ``dimension``, ``bracket``,
  ``share``; for conversations the columns of ``ConversationsSchema``.
  A metric the layout does not report is *absent or <NA>*, never 0.
* ``published_at``/``date``/``received_at``... are ``datetime64`` values that
  are either UTC (tz-aware) or naive local wall-clock time; ``RawExport.timezone``
  says which (``"UTC"`` or an IANA name such as ``"Europe/Paris"``, or
  ``"America/Los_Angeles"``). Cleaning localises (DST-safe) and converts.
* Columns the reader could not map are kept under ``extra:<normalised header>``.
* A cell that fails to parse is set to <NA> in ``rows`` *and* recorded in
  ``issues`` (``source_row``, ``column``, ``value``, ``reason``) so cleaning
  can quarantine the row; the reader never drops a data row silently.
  Exception: an ID that Excel turned into scientific notation
  (``1.22158E+17``) is kept as found in ``post_id`` (its remaining digits help
  check an ID recovered from the permalink) and recorded in ``issues`` with a
  reason starting ``"Excel-mangled ID"``.
* Summary rows (YouTube ``Total``, the legacy Facebook description row, Meta
  per-day breakdown rows of a post that also has its ``Lifetime``/``Global``
  totals row...) are not data rows: they are listed in ``skipped_rows`` with a
  reason. (In Meta Business Suite lifetime exports *every* post row says
  ``Lifetime`` in its ``Date`` column: those rows are the data.)
* Calendar-day tables (followers, audience) give ``date`` as UTC midnight of
  the calendar day the platform reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["RawExport", "ISSUE_COLUMNS", "SKIPPED_COLUMNS"]

ISSUE_COLUMNS = ["source_row", "column", "value", "reason"]
SKIPPED_COLUMNS = ["source_row", "reason"]


def _empty(columns):
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


@dataclass(frozen=True)
class RawExport:
    """One export file, read but not yet cleaned.

    Attributes
    ----------
    path : str
        The file read.
    layout : str
        Registry name of the detected layout, e.g. ``"facebook_insights_legacy"``,
        ``"meta_business_suite_posts"``, ``"x_tweet_activity"``.
    network : str
        A :class:`engagement_lib.schema.Network` value.
    table : str
        Canonical table the rows feed: ``"posts"``, ``"followers"``,
        ``"audience"`` or ``"conversations"`` — or ``"page_metrics"``
        (``date, metric, value``) for page-level daily series that have no
        canonical table (Meta views/visits, LinkedIn/YouTube page metrics).
    rows : pandas.DataFrame
        The data rows (see the module docstring for the contract).
    timezone : str
        ``"UTC"`` when timestamps in ``rows`` are tz-aware UTC, else the IANA
        zone of the naive wall-clock timestamps.
    exported_at : pandas.Timestamp or None
        When the file was exported (UTC), if known (file name, metadata,
        workbook properties or file modification time); used to keep the most
        recent export of a post when exports overlap.
    encoding, delimiter : str or None
        What the sniffer found (None for workbooks and JSON).
    header_line : int or None
        1-based line of the header row.
    language : str
        ``"en"``, ``"fr"`` or ``"bilingual"``.
    metric_era : str or None
        Which family of metric fed impressions/views (``"impressions"``,
        ``"plays"``, ``"views"``), so that series breaks stay visible.
    issues : pandas.DataFrame
        Cells that could not be parsed: ``source_row, column, value, reason``.
    skipped_rows : pandas.DataFrame
        Non-data rows skipped on purpose: ``source_row, reason``.
    warnings : tuple of str
        Things the user should know (e.g. "dates switched to day-first").
    """

    path: str
    layout: str
    network: str
    table: str
    rows: pd.DataFrame
    timezone: str = "UTC"
    exported_at: pd.Timestamp | None = None
    encoding: str | None = None
    delimiter: str | None = None
    header_line: int | None = None
    language: str = "en"
    metric_era: str | None = None
    issues: pd.DataFrame = field(default_factory=lambda: _empty(ISSUE_COLUMNS))
    skipped_rows: pd.DataFrame = field(default_factory=lambda: _empty(SKIPPED_COLUMNS))
    warnings: tuple[str, ...] = ()

    @property
    def n_rows(self) -> int:
        """Number of data rows read (summary rows excluded)."""
        return len(self.rows)
