"""A partitioned Parquet store of the canonical tables, for observatory-scale data.

One folder per table, Hive-partitioned by network and **local** (Europe/Paris)
calendar month of the table's time column, so that a month of indicators reads
only that month's files and any Parquet engine (pandas/pyarrow, Dask, DuckDB,
Spark) reads the store as it is::

    store/
      _store.json                     # layout, dtypes and row counts (see below)
      posts/network=facebook/month=2018-03/part-0.parquet
      posts/network=x/month=2018-03/part-0.parquet
      followers/network=facebook/month=2018-03/part-0.parquet
      conversations/...   audience/...
      collectivites/part-0.parquet    # tables without network or time: one folder

* **Partition keys.** ``network`` (a column of every canonical table) and
  ``month`` (``"YYYY-MM"``, the Europe/Paris month of ``published_at``,
  ``date`` or ``received_at``; DST-safe). The keys live in the folder names
  (``network=.../month=...``), not in the files; ``month`` is not a canonical
  column and is dropped on read.
* **Files.** zstd-compressed Parquet; rows sorted by collectivité, account and
  time inside each file, in row groups of :data:`ROW_GROUP_SIZE` rows, so a
  filter on a collectivité skips most row groups (min/max statistics).
* **Manifest** ``_store.json``: the table's partition keys and time column,
  the pandas dtype of every column (categories included) and the row count.
  Readers restore the canonical dtypes from it (``network`` categorical,
  nullable ``Int64`` metrics, ``str`` text, UTC timestamps), so a store read
  back equals the frames written, up to row order.

Tables can be written at once or chunk by chunk (``mode="append"``, e.g. the
simulator's :func:`engagement_lib.simulate.scale.write_partitioned`), then
compacted to one file per partition with :func:`compact_store`.

Reading with ``engine="dask"`` needs the optional ``scale`` extra
(``pip install engagement-lib[scale]``); Dask is imported only then.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .errors import EngagementError, SchemaError

__all__ = [
    "MANIFEST",
    "ROW_GROUP_SIZE",
    "TIME_COLUMNS",
    "MissingDependencyError",
    "StoreError",
    "compact_store",
    "local_cluster",
    "read_store",
    "require_dask",
    "store_info",
    "time_bounds",
    "write_store",
]

#: Name of the manifest file at the root of a store.
MANIFEST = "_store.json"
#: Rows per Parquet row group (small enough for collectivité filters to skip most).
ROW_GROUP_SIZE = 64 * 1024
#: Time column of each table, whose local month is the ``month`` partition key.
TIME_COLUMNS = {
    "posts": "published_at",
    "followers": "date",
    "audience": "date",
    "conversations": "received_at",
    "page_metrics": "date",
}
#: Zone of the ``month`` key (the analyses' calendar).
TZ = "Europe/Paris"
_KEYS = ("network", "month")
_FORMAT = "engagement_lib partitioned store"
_VERSION = 1
_ENGINES = ("pandas", "dask")
_INSTALL = "pip install 'engagement-lib[scale]'"


class StoreError(EngagementError):
    """A folder is not a store, or a write would mix incompatible tables."""


class MissingDependencyError(EngagementError, ImportError):
    """An optional dependency (Dask) is needed and missing."""


def require_dask(what: str = "the Dask engine"):
    """Import and return ``dask.dataframe``, or raise a clear error naming the extra.

    Raises
    ------
    MissingDependencyError
        When Dask is not installed: ``pip install engagement-lib[scale]``.
    """
    try:
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
        raise MissingDependencyError(
            f"{what} needs Dask, which is not installed ({exc}); install the optional "
            f"'scale' extra: {_INSTALL}"
        ) from None
    return dd


# --------------------------------------------------------------------------- manifest
def _manifest_path(path: Path) -> Path:
    return Path(path) / MANIFEST


def store_info(path) -> dict:
    """The manifest of a store (layout, dtypes and row count of each table).

    Raises
    ------
    StoreError
        When ``path`` holds no ``_store.json`` or an unreadable one.
    """
    path = Path(path).expanduser()
    file = _manifest_path(path)
    if not file.is_file():
        hint = "write one with engagement_lib.store.write_store or `engagement clean --format parquet`"
        if not path.exists():
            raise StoreError(f"{str(path)!r}: no such folder; {hint}")
        raise StoreError(f"{str(path)!r} is not a store: {MANIFEST} is missing; {hint}")
    try:
        info = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{file}: unreadable manifest ({exc})") from None
    if info.get("format") != _FORMAT or not isinstance(info.get("tables"), dict):
        raise StoreError(f"{file}: not an engagement_lib store manifest")
    if info.get("version", 0) > _VERSION:
        raise StoreError(
            f"{file}: store version {info.get('version')} is newer than this "
            f"engagement_lib reads ({_VERSION}); upgrade engagement_lib"
        )
    return info


def _write_manifest(path: Path, info: dict) -> None:
    tmp = _manifest_path(path).with_suffix(".json.tmp")
    tmp.write_text(json.dumps(info, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, _manifest_path(path))


def _dtype_spec(dtype) -> dict:
    if isinstance(dtype, pd.CategoricalDtype):
        return {
            "dtype": "category",
            "categories": [str(c) for c in dtype.categories],
            "ordered": bool(dtype.ordered),
        }
    if isinstance(dtype, pd.StringDtype) or str(dtype) == "str":
        return {"dtype": "str"}
    return {"dtype": str(dtype)}


def _pandas_dtype(spec: dict):
    if spec["dtype"] == "category":
        return pd.CategoricalDtype(spec["categories"], ordered=spec.get("ordered", False))
    if spec["dtype"] == "object":
        return "str"
    return spec["dtype"]


def _table_spec(name: str, frame: pd.DataFrame, partition_on: Sequence[str]) -> dict:
    time_col = TIME_COLUMNS.get(name)
    keys = []
    for key in partition_on if name in TIME_COLUMNS else ():
        if key == "month" and time_col in frame.columns:
            keys.append("month")
        elif key != "month" and key in frame.columns:
            keys.append(key)
    spec = {
        "partition_on": keys,
        "time_column": time_col if time_col in frame.columns else None,
        "rows": 0,
        "columns": {c: _dtype_spec(frame[c].dtype) for c in frame.columns},
    }
    if spec["time_column"] and isinstance(frame[time_col].dtype, pd.DatetimeTZDtype):
        # first and last instant: readers (the Dask engine) skip a pass for the calendar
        times = frame[time_col]
        spec["time_min"] = _iso(times.min())
        spec["time_max"] = _iso(times.max())
    return spec


def _iso(value) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).tz_convert("UTC").isoformat()


def time_bounds(info: dict, table: str) -> tuple | None:
    """First and last timestamp (UTC) of a table from the manifest, or None if unknown."""
    spec = info["tables"].get(table, {})
    if "time_min" not in spec:
        return None
    lo, hi = spec["time_min"], spec["time_max"]
    return (pd.NaT if lo is None else pd.Timestamp(lo), pd.NaT if hi is None else pd.Timestamp(hi))


def _merge_spec(name: str, old: dict, new: dict) -> dict:
    if old["columns"] != new["columns"]:
        old_cols, new_cols = old["columns"], new["columns"]
        diff = [
            f"{c!r}: {old_cols.get(c, {}).get('dtype', 'absent')} in the store, "
            f"{new_cols.get(c, {}).get('dtype', 'absent')} now"
            for c in sorted(set(old_cols) | set(new_cols))
            if old_cols.get(c) != new_cols.get(c)
        ]
        raise StoreError(
            f"table {name!r}: cannot append rows whose columns differ from the store's "
            f"({'; '.join(diff[:5])})"
        )
    if old["partition_on"] != new["partition_on"]:
        raise StoreError(
            f"table {name!r}: stored partitioned on {old['partition_on']}, "
            f"appending with {new['partition_on']}"
        )
    out = dict(old)
    out["rows"] = old["rows"] + new["rows"]
    for key, pick in (("time_min", min), ("time_max", max)):
        values = [v for v in (old.get(key), new.get(key)) if v is not None]
        if key in old or key in new:
            out[key] = _iso(pick(pd.Timestamp(v) for v in values)) if values else None
    return out


# --------------------------------------------------------------------------- writing
def _tables_of(tables) -> dict[str, pd.DataFrame]:
    if isinstance(tables, Mapping):
        items = dict(tables)
    elif hasattr(tables, "tables"):  # CleanData: the canonical tables (+ other)
        items = {**tables.tables, **getattr(tables, "other", {})}
    else:
        raise TypeError(
            "tables must be a dict of DataFrames or a CleanData-like object with a "
            f"'tables' attribute; found {type(tables).__name__}"
        )
    out = {}
    for name, frame in items.items():
        if frame is None:
            continue
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"table {name!r} must be a pandas DataFrame, found {type(frame).__name__}")
        if not name or "/" in name or name.startswith((".", "_")):
            raise ValueError(f"invalid table name {name!r}")
        out[name] = frame
    return out


def _local_month(times: pd.Series) -> pd.Series:
    if not isinstance(times.dtype, pd.DatetimeTZDtype):
        raise SchemaError(
            f"column {times.name!r} must hold tz-aware UTC timestamps to partition by month, "
            f"found {times.dtype}"
        )
    local = times.dt.tz_convert(TZ)
    key = (local.dt.year * 100 + local.dt.month).fillna(0).astype("int64").to_numpy()
    codes, uniques = pd.factorize(key)
    names = pd.array(
        [f"{u // 100:04d}-{u % 100:02d}" if u else "none" for u in uniques], dtype="str"
    )
    return pd.Series(names.take(codes), index=times.index, name="month")


def _sort_keys(spec: dict, columns) -> list[str]:
    keys = [*spec["partition_on"]]
    keys += [c for c in ("collectivite", "account") if c in columns]
    if spec["time_column"]:
        keys.append(spec["time_column"])
    return keys


def _arrow_table(frame: pd.DataFrame, spec: dict) -> pa.Table:
    """The frame with its partition keys, sorted, categoricals as plain strings."""
    work = {}
    for col in frame.columns:
        values = frame[col]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype("str")
        work[col] = values
    if "month" in spec["partition_on"]:
        if "month" in frame.columns:
            raise SchemaError("a column named 'month' clashes with the store's partition key")
        work["month"] = _local_month(frame[spec["time_column"]])
    for key in spec["partition_on"]:
        if key != "month" and frame[key].isna().any():
            raise SchemaError(
                f"column {key!r} is a partition key and must not be missing "
                f"(rows {', '.join(map(str, frame.index[frame[key].isna()][:5]))})"
            )
    table = pa.Table.from_pandas(pd.DataFrame(work), preserve_index=False)
    keys = [k for k in _sort_keys(spec, table.column_names) if k in table.column_names]
    if keys and table.num_rows:
        table = table.sort_by([(k, "ascending") for k in keys])
    return table.replace_schema_metadata(None)


def _write_parts(frame: pd.DataFrame, folder: Path, spec: dict, *, token: str,
                 compression: str, row_group_size: int) -> None:
    table = _arrow_table(frame, spec)
    folder.mkdir(parents=True, exist_ok=True)
    keys = spec["partition_on"]
    partitioning = (
        ds.partitioning(pa.schema([(k, pa.string()) for k in keys]), flavor="hive")
        if keys else None
    )
    ds.write_dataset(
        table,
        folder,
        format="parquet",
        partitioning=partitioning,
        basename_template=f"part-{token}-{{i}}.parquet",
        existing_data_behavior="overwrite_or_ignore",
        file_options=ds.ParquetFileFormat().make_write_options(compression=compression),
        max_rows_per_group=row_group_size,
        min_rows_per_group=min(row_group_size, max(table.num_rows, 1)),
        max_partitions=100_000,
    )


def write_store(
    tables,
    path,
    *,
    partition_on: Sequence[str] = _KEYS,
    mode: str = "overwrite",
    compression: str = "zstd",
    row_group_size: int = ROW_GROUP_SIZE,
) -> Path:
    """Write canonical tables as a partitioned Parquet store.

    Parameters
    ----------
    tables : dict of str to DataFrame, or CleanData-like
        Tables by name (``posts``, ``followers``, ``audience``,
        ``conversations``, ``collectivites``, ``page_metrics``...). Frames are
        only read.
    path : str or path-like
        Folder of the store (created if missing). It may hold other files.
    partition_on : sequence of str, default ("network", "month")
        Partition keys: columns of the tables and/or ``"month"`` (Europe/Paris
        month of the table's time column). Only the tables of
        :data:`TIME_COLUMNS` are partitioned (on the keys they have); others
        (``collectivites``, ``quarantine``...) are written as one folder.
    mode : {"overwrite", "append"}
        ``"overwrite"`` replaces the tables written (other tables of the store
        are kept); ``"append"`` adds rows to them (same columns and dtypes
        required) — for writing chunk by chunk; see :func:`compact_store`.
    compression : str, default "zstd"
        Parquet compression codec.
    row_group_size : int
        Rows per Parquet row group.

    Returns
    -------
    pathlib.Path
        The store folder.

    Raises
    ------
    StoreError
        When ``path`` holds a table folder that is not part of a store, or
        appended rows have other columns or dtypes than the stored ones.
    SchemaError
        When a partition key is missing in a row or a time column is naive.

    Examples
    --------
    >>> from engagement_lib.store import read_store, write_store
    >>> write_store({"posts": posts}, "observatory")  # doctest: +SKIP
    >>> read_store("observatory")["posts"]             # doctest: +SKIP
    """
    if mode not in ("overwrite", "append"):
        raise ValueError(f"mode={mode!r}; expected 'overwrite' or 'append'")
    unknown = [k for k in partition_on if k not in ("network", "month", "collectivite", "account")]
    if unknown:
        raise ValueError(
            f"partition_on={tuple(partition_on)!r}: unknown key(s) {unknown}; "
            "use 'network', 'month', 'collectivite' or 'account'"
        )
    frames = _tables_of(tables)
    path = Path(path).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    info = (
        store_info(path)
        if _manifest_path(path).exists()
        else {"format": _FORMAT, "version": _VERSION, "tz": TZ, "tables": {}}
    )
    for name, frame in frames.items():
        spec = _table_spec(name, frame, partition_on)
        spec["rows"] = len(frame)
        folder = path / name
        old = info["tables"].get(name)
        if old is None and folder.exists():
            raise StoreError(
                f"{folder}: a folder named like table {name!r} exists but is not part of the "
                "store; move it away or choose another store folder"
            )
        if mode == "overwrite" or old is None:
            if folder.exists():
                shutil.rmtree(folder)
            merged = spec
        else:
            merged = _merge_spec(name, old, spec)
        _write_parts(frame, folder, merged, token=uuid.uuid4().hex[:12],
                     compression=compression, row_group_size=row_group_size)
        info["tables"][name] = merged
        _write_manifest(path, info)
    return path


def compact_store(path, tables: Sequence[str] | None = None, *,
                  compression: str = "zstd", row_group_size: int = ROW_GROUP_SIZE) -> Path:
    """Rewrite each partition of a store as a single sorted file.

    Chunked writes (``mode="append"``) leave one file per chunk and partition;
    many small files slow every reader. Compaction reads one partition at a
    time (memory: the largest partition), sorts it by collectivité, account
    and time, and replaces its files by ``part-0.parquet``. Rows and dtypes
    are unchanged.
    """
    path = Path(path).expanduser()
    info = store_info(path)
    names = list(info["tables"]) if tables is None else list(tables)
    for name in names:
        if name not in info["tables"]:
            raise StoreError(f"{path}: no table {name!r}; found {', '.join(info['tables'])}")
        spec = info["tables"][name]
        leaves: dict[Path, list[Path]] = {}
        for file in sorted((path / name).rglob("*.parquet")):
            leaves.setdefault(file.parent, []).append(file)
        for folder, files in leaves.items():
            if len(files) == 1 and files[0].name == "part-0.parquet":
                continue
            table = pa.concat_tables([pq.read_table(f, partitioning=None) for f in files])
            keys = [k for k in _sort_keys(spec, table.column_names) if k in table.column_names]
            if keys and table.num_rows:
                table = table.sort_by([(k, "ascending") for k in keys])
            tmp = folder / f".compact-{uuid.uuid4().hex[:8]}.tmp"
            pq.write_table(table, tmp, compression=compression, row_group_size=row_group_size)
            for f in files:
                f.unlink()
            os.replace(tmp, folder / "part-0.parquet")
    return path


# --------------------------------------------------------------------------- reading
def _types_mapper(arrow_type):
    """pyarrow → pandas types: integers and booleans stay nullable (NA, not NaN)."""
    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    return None


def _restore(frame: pd.DataFrame, columns: dict, keep: list[str]) -> pd.DataFrame:
    """Canonical dtypes from the manifest; columns in the written order."""
    out = {}
    for col in keep:
        values = frame[col]
        dtype = _pandas_dtype(columns[col])
        if isinstance(dtype, pd.CategoricalDtype):
            if not isinstance(values.dtype, pd.CategoricalDtype):
                values = values.astype(dtype)
            elif list(values.dtype.categories) != list(dtype.categories):
                # hive keys come back with the categories seen: recode the codes, not the values
                values = values.cat.set_categories(dtype.categories)
        elif str(values.dtype) != str(dtype):
            values = values.astype(dtype)
        out[col] = values
    return pd.DataFrame(out, index=frame.index)


def _empty(columns: dict, keep: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=_pandas_dtype(columns[c])) for c in keep})


def _columns(name: str, spec: dict, columns) -> list[str]:
    available = list(spec["columns"])
    if columns is None:
        return available
    wanted = list(columns)
    missing = [c for c in wanted if c not in available]
    if missing:
        raise StoreError(
            f"table {name!r}: no column(s) {', '.join(map(repr, missing))}; "
            f"found {', '.join(available)}"
        )
    return wanted


def read_store(
    path,
    engine: str = "pandas",
    *,
    tables: Sequence[str] | None = None,
    columns: Mapping[str, Sequence[str]] | None = None,
    filters=None,
) -> dict:
    """Read a store's tables with pandas (in memory) or Dask (lazily, out of core).

    Parameters
    ----------
    path : str or path-like
        Folder written by :func:`write_store`.
    engine : {"pandas", "dask"}
        ``"pandas"`` returns in-memory DataFrames; ``"dask"`` returns lazy Dask
        DataFrames (one partition per file), needing the ``scale`` extra.
        Small unpartitioned tables (``collectivites``) are always pandas.
    tables : sequence of str, optional
        Tables to read (default: all).
    columns : dict of str to sequence of str, optional
        Columns to read per table (default: all) — reading fewer columns is
        the main saving of a columnar store.
    filters : list of tuples, optional
        Row filters in pyarrow/Dask DNF form, applied to every table read,
        e.g. ``[("month", ">=", "2018-01"), ("collectivite", "==", "toulouse")]``;
        partition keys prune folders, other columns use row-group statistics.

    Returns
    -------
    dict of str to DataFrame
        Tables by name, with the canonical dtypes; the ``month`` key is dropped.

    Raises
    ------
    StoreError
        When ``path`` is not a store or a table or column is unknown.
    MissingDependencyError
        With ``engine="dask"`` when Dask is not installed.
    """
    if engine not in _ENGINES:
        raise ValueError(f"engine={engine!r}; expected one of {', '.join(_ENGINES)}")
    path = Path(path).expanduser()
    info = store_info(path)
    names = list(info["tables"]) if tables is None else list(tables)
    unknown = [n for n in names if n not in info["tables"]]
    if unknown:
        raise StoreError(
            f"{path}: no table(s) {', '.join(map(repr, unknown))}; "
            f"found {', '.join(info['tables']) or 'none'}"
        )
    out = {}
    for name in names:
        spec = info["tables"][name]
        keep = _columns(name, spec, None if columns is None else columns.get(name))
        table_filters = _filters_for(filters, spec)
        lazy = engine == "dask" and bool(spec["partition_on"])
        if lazy:
            out[name] = _read_dask(path / name, spec, keep, table_filters)
        else:
            out[name] = _read_pandas(path / name, spec, keep, table_filters)
    return out


def _filters_for(filters, spec: dict):
    """The filters that apply to a table (those on columns it has)."""
    if not filters:
        return None
    known = set(spec["columns"]) | set(spec["partition_on"])
    groups = filters if isinstance(filters[0], list) else [filters]
    kept = [[f for f in group if f[0] in known] for group in groups]
    kept = [g for g in kept if g]
    if not kept:
        return None
    return kept if isinstance(filters[0], list) else kept[0]


def _read_pandas(folder: Path, spec: dict, keep: list[str], filters) -> pd.DataFrame:
    partitioning = "hive" if spec["partition_on"] else None
    if not folder.exists() or not any(folder.rglob("*.parquet")):  # an empty table
        return _empty(spec["columns"], keep)
    dataset = ds.dataset(folder, format="parquet", partitioning=partitioning)
    expr = pq.filters_to_expression(filters) if filters else None
    table = dataset.to_table(columns=keep, filter=expr)
    frame = table.to_pandas(types_mapper=_types_mapper)
    return _restore(frame, spec["columns"], keep).reset_index(drop=True)


def _read_dask(folder: Path, spec: dict, keep: list[str], filters):
    """One Dask partition per Parquet file, columns projected, filters pushed down.

    ``dd.from_map`` rather than ``dd.read_parquet``: the latter fuses several
    files into one partition when few columns are read, and the memory of the
    engine grows with the partition; one file (one network and month) is a
    partition of predictable size.
    """
    dd = require_dask("read_store(engine='dask')")
    meta = _empty(spec["columns"], keep)
    fragments = []
    if folder.exists() and any(folder.rglob("*.parquet")):
        dataset = ds.dataset(folder, format="parquet",
                             partitioning="hive" if spec["partition_on"] else None)
        expr = pq.filters_to_expression(filters) if filters else None
        for fragment in dataset.get_fragments(filter=expr):
            keys = ds.get_partition_keys(fragment.partition_expression) or {}
            fragments.append((fragment.path, {k: str(v) for k, v in keys.items()}))
        fragments.sort()
    import dask

    # the canonical "str" columns stay as they are (no conversion to Dask's NA strings)
    with dask.config.set({"dataframe.convert-string": False}):
        if not fragments:
            return dd.from_pandas(meta, npartitions=1)
        return dd.from_map(
            _read_file,
            fragments,
            meta=meta,
            enforce_metadata=False,
            label="read-store",
            spec_columns=spec["columns"],
            filters=_dnf(filters),
            columns=keep,
        )


def _dnf(filters) -> list | None:
    """Filters as a list of AND-groups (OR between groups), or None."""
    if not filters:
        return None
    return [list(g) for g in filters] if isinstance(filters[0], list) else [list(filters)]


_OPS = {
    "==": lambda a, b: a == b, "=": lambda a, b: a == b, "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "in": lambda a, b: a in b, "not in": lambda a, b: a not in b,
}


def _bind(groups, keys: dict):
    """Filters of one file: partition-key predicates evaluated on the file's keys.

    Returns ``None`` (keep every row), ``[]`` (no row) or the remaining groups.
    """
    if groups is None:
        return None
    out = []
    for group in groups:
        rest, keep = [], True
        for col, op, value in group:
            if col in keys:
                if op not in _OPS:
                    raise ValueError(f"filter operator {op!r} not supported on {col!r}")
                val = type(keys[col])(value) if not isinstance(value, list | tuple | set) else value
                if not _OPS[op](keys[col], val):
                    keep = False
                    break
            else:
                rest.append((col, op, value))
        if keep:
            if not rest:
                return None
            out.append(rest)
    return out


def _read_file(item, *, spec_columns: dict, filters, columns=None) -> pd.DataFrame:
    """One partition: one Parquet file of the store, with its partition keys as columns."""
    path, keys = item
    wanted = list(spec_columns) if columns is None else list(columns)
    rows = _bind(filters, keys)
    if rows == []:
        return _empty(spec_columns, wanted)
    in_file = [c for c in wanted if c not in keys]
    table = pq.read_table(path, columns=in_file, filters=rows, partitioning=None)
    frame = table.to_pandas(types_mapper=_types_mapper)
    for col in wanted:
        if col in keys:
            frame[col] = keys[col]
    return _restore(frame, spec_columns, wanted)


# --------------------------------------------------------------------------- cluster
@contextmanager
def local_cluster(n_workers: int = 1, threads_per_worker: int | None = None, *,
                  processes: bool = False, memory_limit="auto", **kwargs):
    """A Dask ``distributed`` cluster on this machine, and a client using it.

    A context manager: inside the ``with`` block every Dask computation (the
    Dask engine of :func:`~engagement_lib.indicators.compute` included) runs
    on the cluster; leaving it closes the client and the cluster.

    Defaults to one worker without processes (``processes=False``) and one
    thread per core: on one machine the partitions never leave the process,
    so nothing is serialised between workers and the peak memory is that of
    the partitions being reduced (see ``docs/scale.md``). On a real cluster,
    use dask-jobqueue or Kubernetes instead (same docs).

    Yields
    ------
    distributed.Client

    Examples
    --------
    >>> from engagement_lib.indicators import compute
    >>> with local_cluster() as client:                       # doctest: +SKIP
    ...     res = compute("observatory", engine="dask", n_boot=0)
    """
    require_dask("local_cluster")
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise MissingDependencyError(
            f"local_cluster needs dask.distributed, which is not installed ({exc}); "
            f"install the optional 'scale' extra: {_INSTALL}"
        ) from None
    threads = threads_per_worker or max(1, (os.cpu_count() or 1) // max(n_workers, 1))
    kwargs.setdefault("dashboard_address", None)
    with LocalCluster(
        n_workers=n_workers,
        threads_per_worker=threads,
        processes=processes,
        memory_limit=memory_limit,
        **kwargs,
    ) as cluster, Client(cluster) as client:
        yield client
