"""Canonical tables: the contract between the readers and everything else.

Each table of ``DESIGN.md`` is a pandera :class:`~pandera.api.pandas.model.DataFrameModel`.
:func:`validate` checks a frame against one of them and returns a *new*, typed
frame (categoricals for enums, nullable integers for counts, UTC timestamps);
on failure it raises :class:`~engagement_lib.errors.SchemaError` naming the
column, the rule and a few offending rows.

Conventions
-----------
* A metric a platform does not report is missing (``<NA>``), never 0.
* Timestamps are stored tz-aware in UTC; a naive timestamp is an error because
  its timezone cannot be guessed safely (analyse in ``Europe/Paris``).
* Identifiers (``post_id``...) are strings, never floats: Excel keeps only 15
  significant digits of a 17-19 digit ID.
"""

from __future__ import annotations

from enum import StrEnum

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from .errors import SchemaError

__all__ = [
    "Network",
    "MediaType",
    "CollectiviteKind",
    "PostsSchema",
    "FollowersSchema",
    "AudienceSchema",
    "ConversationsSchema",
    "CollectivitesSchema",
    "IndicatorResultsSchema",
    "METRICS",
    "AUDIENCE_DIMENSIONS",
    "TABLES",
    "validate",
    "empty",
]


class Network(StrEnum):
    """Social networks covered by the library."""

    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    X = "x"
    LINKEDIN = "linkedin"
    YOUTUBE = "youtube"
    TIKTOK = "tiktok"
    SNAPCHAT = "snapchat"
    VIADEO = "viadeo"


class MediaType(StrEnum):
    """Canonical media types (the platforms' own labels are mapped onto these)."""

    PHOTO = "photo"
    ALBUM = "album"  # carousel, multi-photo post
    VIDEO = "video"
    REEL = "reel"  # short vertical video (Reels, Shorts, TikTok)
    STORY = "story"  # ephemeral story (Instagram, Snapchat)
    LINK = "link"
    TEXT = "text"  # status update, tweet without media
    EVENT = "event"
    LIVE = "live"
    OTHER = "other"


class CollectiviteKind(StrEnum):
    """Kinds of French collectivités territoriales."""

    COMMUNE = "commune"
    DEPARTEMENT = "departement"
    REGION = "region"
    INTERCOMMUNALITE = "intercommunalite"


NETWORKS = [n.value for n in Network]
MEDIA_TYPES = [m.value for m in MediaType]
KINDS = [k.value for k in CollectiviteKind]

#: Per-post metrics, all nullable non-negative integers (NA = not reported).
METRICS = (
    "impressions",
    "reach",
    "views",
    "likes",
    "comments",
    "shares",
    "saves",
    "clicks",
    "follows",
    "completions",
)

#: Demographic dimensions of the audience table (LinkedIn adds professional ones).
AUDIENCE_DIMENSIONS = [
    "age", "gender", "age_gender", "country", "city",
    "seniority", "job_function", "industry", "company_size", "location",
]

_UTC = {"unit": "us", "tz": "UTC"}
#: An ID Excel turned into scientific notation (``1.22158E+17``): its digits are lost.
_MANGLED_ID = r"\d(?:[.,]\d+)?[eE]\+?\d+"
_MANGLED_ID_ERROR = "Excel-mangled ID (scientific notation)"
_NETWORK = {"categories": NETWORKS, "ordered": False}
_MEDIA = {"categories": MEDIA_TYPES, "ordered": False}


def _count(**kwargs):
    return pa.Field(ge=0, nullable=True, coerce=True, **kwargs)


class _Entity(pa.DataFrameModel):
    """Columns that locate a row: who, on which account and network."""

    collectivite: Series[str] = pa.Field(str_length={"min_value": 1})
    account: Series[str] = pa.Field(str_length={"min_value": 1})
    network: Series[pd.CategoricalDtype] = pa.Field(dtype_kwargs=_NETWORK, coerce=True)


class _Provenance(pa.DataFrameModel):
    """Where a row came from: export layout, file, line and export date."""

    source_format: Series[str] = pa.Field(nullable=True)
    source_file: Series[str] = pa.Field(nullable=True)
    source_row: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True, coerce=True)


class PostsSchema(_Provenance, _Entity):
    """One row per post.

    ``likes`` counts all reactions. ``metric_era`` says which family of
    platform metric fed ``impressions``/``views`` (for example
    ``"impressions"`` before Meta's 2025 switch to ``"views"``) so that series
    breaks stay visible. ``label`` is a free-form custom label (Meta's
    "Custom labels"; used to tag the arms of a format experiment).
    """

    post_id: Series[str] = pa.Field(str_length={"min_value": 1}, unique=True)
    published_at: Series[pd.DatetimeTZDtype] = pa.Field(dtype_kwargs=_UTC, coerce=True)
    media_type: Series[pd.CategoricalDtype] = pa.Field(dtype_kwargs=_MEDIA, coerce=True)
    topic: Series[str] = pa.Field(nullable=True)
    label: Series[str] = pa.Field(nullable=True)
    text: Series[str] = pa.Field(nullable=True)
    permalink: Series[str] = pa.Field(nullable=True)
    is_paid: Series[pd.BooleanDtype] = pa.Field(nullable=True, coerce=True)
    impressions: Series[pd.Int64Dtype] = _count()
    reach: Series[pd.Int64Dtype] = _count()
    views: Series[pd.Int64Dtype] = _count()
    likes: Series[pd.Int64Dtype] = _count()
    comments: Series[pd.Int64Dtype] = _count()
    shares: Series[pd.Int64Dtype] = _count()
    saves: Series[pd.Int64Dtype] = _count()
    clicks: Series[pd.Int64Dtype] = _count()
    follows: Series[pd.Int64Dtype] = _count()
    completions: Series[pd.Int64Dtype] = _count()
    metric_era: Series[str] = pa.Field(nullable=True)
    exported_at: Series[pd.DatetimeTZDtype] = pa.Field(
        dtype_kwargs=_UTC, coerce=True, nullable=True
    )

    @pa.check("post_id", error=_MANGLED_ID_ERROR)
    def _no_excel_scientific_ids(cls, ids: Series[str]) -> Series[bool]:
        # A full-match regex without look-ahead runs in Arrow, not row by row in Python.
        return ~ids.str.fullmatch(_MANGLED_ID)

    class Config:
        strict = False  # extra columns (platform-specific) are allowed


class FollowersSchema(_Provenance, _Entity):
    """One row per account per day: the follower count and its daily flows.

    ``followers`` is the running total at the end of the day; ``new_followers``
    and ``lost_followers`` are missing where the platform does not say (the
    LinkedIn export gives neither unfollows nor the running total).
    """

    date: Series[pd.DatetimeTZDtype] = pa.Field(dtype_kwargs=_UTC, coerce=True)
    followers: Series[pd.Int64Dtype] = _count()
    new_followers: Series[pd.Int64Dtype] = _count()
    lost_followers: Series[pd.Int64Dtype] = _count()

    @pa.dataframe_check(error="duplicate (account, network, date) rows")
    def _one_row_per_day(cls, df: pd.DataFrame) -> Series[bool]:
        return ~df.duplicated(["collectivite", "account", "network", "date"], keep=False)


class AudienceSchema(_Provenance, _Entity):
    """Share of followers per demographic bracket, per account and date.

    ``dimension`` is one of ``AUDIENCE_DIMENSIONS`` (``"age"``, ``"gender"``, and
    LinkedIn's professional ones such as ``"seniority"``); ``bracket`` is for example
    ``"18-24"``, ``"55-64"``, ``"65+"``, ``"F"``, ``"M"``, ``"U"``;
    ``share`` is a fraction in [0, 1].
    """

    date: Series[pd.DatetimeTZDtype] = pa.Field(dtype_kwargs=_UTC, coerce=True)
    dimension: Series[str] = pa.Field(isin=AUDIENCE_DIMENSIONS)
    bracket: Series[str]
    share: Series[float] = pa.Field(ge=0, le=1, coerce=True)


class ConversationsSchema(_Provenance, _Entity):
    """Inbound comments and messages, with the time of the first reply.

    ``author`` is pseudonymised (salted hash); a real name never enters the table.
    """

    conversation_id: Series[str] = pa.Field(unique=True)
    channel: Series[str] = pa.Field(isin=["comment", "message", "mention", "reply"])
    received_at: Series[pd.DatetimeTZDtype] = pa.Field(dtype_kwargs=_UTC, coerce=True)
    replied_at: Series[pd.DatetimeTZDtype] = pa.Field(
        dtype_kwargs=_UTC, coerce=True, nullable=True
    )
    author: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{8,64}$")
    post_id: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check(error="replied_at earlier than received_at")
    def _reply_after_receipt(cls, df: pd.DataFrame) -> Series[bool]:
        return df["replied_at"].isna() | (df["replied_at"] >= df["received_at"])


class CollectivitesSchema(pa.DataFrameModel):
    """The collectivités studied, with their INSEE code and populations."""

    id: Series[str] = pa.Field(unique=True, str_matches=r"^[a-z0-9_]+$")
    name: Series[str]
    kind: Series[pd.CategoricalDtype] = pa.Field(
        dtype_kwargs={"categories": KINDS, "ordered": False}, coerce=True
    )
    insee_code: Series[str] = pa.Field(str_matches=r"^(\d[\dAB]\d{3}|\d{2,3})$")
    population: Series[pd.Int64Dtype] = pa.Field(gt=0, coerce=True)
    population_year: Series[pd.Int64Dtype] = pa.Field(ge=1990, le=2100, coerce=True)
    population_article: Series[pd.Int64Dtype] = pa.Field(gt=0, nullable=True, coerce=True)
    source: Series[str]


class IndicatorResultsSchema(pa.DataFrameModel):
    """Long, tidy indicator results: one row per (entity, period, indicator).

    ``value`` is missing when it cannot be computed, and ``status`` says why
    (``"ok"``, ``"small sample"``, ``"not reported by this network"``, ``"no posts"``...).
    """

    collectivite: Series[str] = pa.Field(nullable=True)
    account: Series[str] = pa.Field(nullable=True)
    network: Series[str] = pa.Field(nullable=True)
    period: Series[pd.DatetimeTZDtype] = pa.Field(dtype_kwargs=_UTC, coerce=True, nullable=True)
    indicator: Series[str]
    value: Series[float] = pa.Field(nullable=True, coerce=True)
    unit: Series[str]
    n: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True, coerce=True)
    ci_low: Series[float] = pa.Field(nullable=True, coerce=True)
    ci_high: Series[float] = pa.Field(nullable=True, coerce=True)
    status: Series[str]

    class Config:
        strict = False


#: Table name → schema model.
TABLES: dict[str, type[pa.DataFrameModel]] = {
    "posts": PostsSchema,
    "followers": FollowersSchema,
    "audience": AudienceSchema,
    "conversations": ConversationsSchema,
    "collectivites": CollectivitesSchema,
    "indicators": IndicatorResultsSchema,
}

_MAX_SHOWN = 5


def _schema_of(table):
    if isinstance(table, str):
        try:
            return table, TABLES[table]
        except KeyError:
            raise SchemaError(
                f"unknown table {table!r}; expected one of {', '.join(TABLES)}"
            ) from None
    return table.__name__, table


def _precheck(df: pd.DataFrame, name: str, model) -> list[str]:
    """Checks pandera cannot phrase well (coercion would hide the problem)."""
    problems = []
    columns = model.to_schema().columns
    for col, spec in columns.items():
        if col not in df.columns:
            continue
        series = df[col]
        dtype = str(spec.dtype)
        if "datetime64" in dtype and "UTC" in dtype:
            if pd.api.types.is_datetime64_dtype(series.dtype) and not isinstance(
                series.dtype, pd.DatetimeTZDtype
            ):
                problems.append(
                    f"column {col!r}: naive datetime (no timezone); expected tz-aware "
                    f"timestamps in UTC — localise first, e.g. "
                    f".dt.tz_localize('Europe/Paris').dt.tz_convert('UTC')"
                )
        if isinstance(spec.dtype.type, pd.CategoricalDtype):
            allowed = set(spec.dtype.type.categories)
            bad = series[series.notna() & ~series.astype("object").isin(allowed)]
            if len(bad):
                shown = ", ".join(f"row {i}: {v!r}" for i, v in bad.head(_MAX_SHOWN).items())
                problems.append(
                    f"column {col!r}: {len(bad)} unknown value(s) ({shown}); "
                    f"expected one of {', '.join(sorted(allowed))}"
                )
    return problems


def validate(df: pd.DataFrame, table, *, lazy: bool = True, inplace: bool = False) -> pd.DataFrame:
    """Check a frame against a canonical table and return a typed copy.

    Parameters
    ----------
    df : pandas.DataFrame
        The frame to check. It is not modified.
    table : str or DataFrameModel subclass
        ``"posts"``, ``"followers"``, ``"audience"``, ``"conversations"``,
        ``"collectivites"`` or ``"indicators"``, or a model class.
    lazy : bool, default True
        Collect every failure before raising (otherwise stop at the first).
    inplace : bool, default False
        Coerce ``df`` itself instead of a copy: only for a caller that owns a
        frame it has just built (cleaning does, saving a copy of a million-row
        table). Under pandas' copy-on-write, columns shared with another frame
        are still copied before they change.

    Returns
    -------
    pandas.DataFrame
        A new frame with canonical dtypes (categoricals, ``Int64``, UTC).

    Raises
    ------
    SchemaError
        Naming each failing column, the rule it breaks and up to five
        offending rows with their values.

    Examples
    --------
    >>> import pandas as pd
    >>> from engagement_lib.schema import validate
    >>> validate(pd.DataFrame({"id": ["x"]}), "collectivites")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    engagement_lib.errors.SchemaError: collectivites: ...
    """
    name, model = _schema_of(table)
    problems = _precheck(df, name, model)
    if problems:
        raise SchemaError(f"{name}: " + "; ".join(problems))
    try:
        return model.validate(df, lazy=lazy, inplace=inplace)
    except (pa.errors.SchemaErrors, pa.errors.SchemaError) as exc:
        raise SchemaError(f"{name}: {_describe(exc)}") from None


def _rule(check: str, column) -> str:
    """Turn a pandera check name into a sentence a user understands."""
    if check.startswith("dtype("):
        expected = check[6:-1].strip(chr(39)).replace("string[pyarrow]", "text (str)")
        return f"has the wrong type (expected {expected})"
    if check.startswith("coerce_dtype("):
        return f"cannot be converted to {check[13:-1].strip(chr(39))}"
    if check == _MANGLED_ID_ERROR:
        return "holds Excel-mangled IDs in scientific notation (re-key on the permalink)"
    friendly = {
        "greater_than_or_equal_to(0)": "must not be negative",
        "not_nullable": "must not be missing",
        "field_uniqueness": "must be unique",
        "column_in_dataframe": "is missing",
    }
    return friendly.get(check, f"fails {check}")


def _describe(exc) -> str:
    if isinstance(exc, pa.errors.SchemaError):
        return str(exc).splitlines()[0]
    cases = exc.failure_cases.copy()
    cases["check"] = cases["check"].astype(str)
    typed = set(cases.loc[cases["check"].str.startswith("dtype("), "column"])
    noise = cases["column"].isin(typed) & cases["failure_case"].astype(str).str.contains("Error(", regex=False)
    parts = []
    for (column, check), group in cases[~noise].groupby(["column", "check"], sort=False, dropna=False):
        shown = ", ".join(
            f"row {idx}: {val}" if pd.notna(idx) else f"{val}"
            for idx, val in zip(group["index"].head(_MAX_SHOWN), group["failure_case"].head(_MAX_SHOWN))
        )
        if check == "column_in_dataframe":
            parts.append(f"missing column(s): {shown}")
            continue
        col = "table" if pd.isna(column) else f"column {column!r}"
        more = f" (+{len(group) - _MAX_SHOWN} more)" if len(group) > _MAX_SHOWN else ""
        parts.append(f"{col} {_rule(check, column)}: {shown}{more}")
    return "; ".join(parts)


def empty(table) -> pd.DataFrame:
    """Return an empty frame with the columns and dtypes of a canonical table."""
    _, model = _schema_of(table)
    schema = model.to_schema()
    return pd.DataFrame(
        {c: pd.Series(dtype=spec.dtype.type) for c, spec in schema.columns.items()}
    )
