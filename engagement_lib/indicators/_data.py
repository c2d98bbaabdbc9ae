"""Accept the cleaned data in the shapes users have, and check what compute needs.

``data`` may be a ``CleanData``-like object (attributes ``posts``,
``followers``, ``conversations``), a dict of frames, or the posts frame
itself; keyword frames (``followers=``, ``conversations=``,
``collectivites=``) add to or override what ``data`` holds. Frames are only
read, never modified.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ..errors import SchemaError
from ..schema import METRICS

__all__ = ["Tables", "as_tables", "ENTITY"]

#: Columns that locate an account.
ENTITY = ("collectivite", "account", "network")

_TIME = {"posts": "published_at", "followers": "date", "conversations": "received_at"}


@dataclass(frozen=True)
class Tables:
    """The cleaned tables compute reads (``None`` where not given)."""

    posts: pd.DataFrame | None
    followers: pd.DataFrame | None
    conversations: pd.DataFrame | None
    collectivites: pd.DataFrame | None


def _pick(data, name):
    if data is None:
        return None
    if isinstance(data, Mapping):
        return data.get(name)
    return getattr(data, name, None)


def as_tables(data, *, followers=None, conversations=None, collectivites=None) -> Tables:
    """Normalise the accepted input shapes into :class:`Tables` and check them.

    Raises
    ------
    SchemaError
        Naming the table and column when a required column is missing, a
        timestamp is naive or missing, or a metric is not numeric.
    TypeError
        When ``data`` is none of the accepted shapes.
    """
    if isinstance(data, pd.DataFrame):
        posts = data
        base = None
    elif data is None or isinstance(data, Mapping) or hasattr(data, "posts"):
        posts = _pick(data, "posts")
        base = data
    else:
        raise TypeError(
            "data must be a posts DataFrame, a dict of frames or a CleanData-like object "
            f"with a 'posts' attribute; found {type(data).__name__}"
        )
    tables = Tables(
        posts=posts,
        followers=followers if followers is not None else _pick(base, "followers"),
        conversations=(
            conversations if conversations is not None else _pick(base, "conversations")
        ),
        collectivites=(
            collectivites if collectivites is not None else _pick(base, "collectivites")
        ),
    )
    for name in ("posts", "followers", "conversations"):
        frame = getattr(tables, name)
        if frame is not None:
            _check(frame, name)
    return tables


def _check(frame: pd.DataFrame, name: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, found {type(frame).__name__}")
    needed = [*ENTITY, _TIME[name]]
    if name == "followers":
        needed.append("followers")
    if name == "conversations":
        needed.append("replied_at")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise SchemaError(
            f"{name}: missing column(s) {', '.join(map(repr, missing))}; "
            f"expected at least {', '.join(needed)}"
        )
    for col in ENTITY:
        bad = frame[col].isna()
        if bad.any():
            rows = ", ".join(map(str, frame.index[bad][:5]))
            raise SchemaError(f"{name}: column {col!r} must not be missing (rows {rows})")
    times = [_TIME[name]] + (["replied_at"] if name == "conversations" else [])
    for col in times:
        dtype = frame[col].dtype
        if not isinstance(dtype, pd.DatetimeTZDtype):
            raise SchemaError(
                f"{name}: column {col!r} must hold tz-aware UTC timestamps, found {dtype} "
                "(localise naive times first, e.g. .dt.tz_localize('Europe/Paris'))"
            )
    bad = frame[_TIME[name]].isna()
    if bad.any():
        rows = ", ".join(map(str, frame.index[bad][:5]))
        raise SchemaError(f"{name}: column {_TIME[name]!r} must not be missing (rows {rows})")
    numeric = list(METRICS) if name == "posts" else []
    if name == "followers":
        numeric = ["followers"]
    for col in numeric:
        if col in frame.columns and not (
            pd.api.types.is_numeric_dtype(frame[col].dtype) or frame[col].isna().all()
        ):
            raise SchemaError(
                f"{name}: column {col!r} must be numeric (nullable integers), "
                f"found {frame[col].dtype}"
            )
