"""Write a simulated panel to disk: raw exports, truth tables and a manifest.

Layout of ``out_dir`` (what ``engagement simulate --out datasets`` produces)::

    raw/<collectivite>/<network>/<account>/<export files>     the article era
    raw/modern/<collectivite>/<network>/<account>/<files>     today's layouts (one collectivité)
    export_plan.csv                                           one row per export file (the plan; kept
                                                              out of raw/ so raw/ holds only exports)
    truth/{posts,followers,audience,conversations}.parquet    canonical truth tables
    truth/planted_effects.json                                every planted effect
    truth/modern/...                                          truth of the modern bundle
    MANIFEST.sha256                                           sha256 of every generated file

The export plan (rates are module constants, documented in the data card)
--------------------------------------------------------------------------
* **Periods.** Post exports cover calendar quarters (X: calendar months; the
  modern bundle: months). With probability :data:`OVERLAP_RATE` an export
  starts earlier (one month earlier for quarters, 7-14 days for months), so
  some posts appear in two files.
* **Export dates.** An export is made 1-20 days after its period ends, in
  office hours (Europe/Paris). Writers put the range end (= export day) in the
  file name, as the platforms do (TikTok Studio: the download day is the
  ``Time`` column of ``Content.csv``; its zip name holds the window's first day
  and a Unix time).
* **Lifetime values.** Metrics are lifetime totals as of the export: the
  *latest* export of a post carries the truth; an earlier export carries
  ``floor(truth × maturity(age_early) / maturity(age_late))`` with
  ``maturity(a) = 1 − 0.9·exp(−a/3) − 0.1·exp(−a/90)`` (age in days).
* **Mess** (CSV layouts only): :data:`RESAVE_RATE` of files re-saved by a
  French Excel (``fr_excel`` two times in three, else ``fr_excel_utf8``);
  :data:`MANGLE_RATE` of files with every ID in Excel scientific notation;
  header language French/English/bilingual with :data:`LANGUAGE_SHARES`
  (bilingual for Meta layouts only).

Determinism: Parquet with fixed writer options, JSON with sorted keys, zip
containers (xlsx) normalised to fixed entry timestamps, no "now" anywhere;
the same seed reproduces ``MANIFEST.sha256`` byte for byte.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import EngagementError
from ..schema import METRICS

__all__ = [
    "write_bundle",
    "write_truth",
    "write_manifest",
    "export_plan",
    "OVERLAP_RATE",
    "RESAVE_RATE",
    "MANGLE_RATE",
    "LANGUAGE_SHARES",
    "ERA_LAYOUTS",
    "MODERN_LAYOUTS",
]

#: File name of the export plan, at the top of the bundle (next to raw/, not in it).
EXPORT_PLAN = "export_plan.csv"
#: Share of export periods that start before the end of the previous one.
OVERLAP_RATE = 0.3
#: Share of CSV exports re-saved by a French Excel.
RESAVE_RATE = 0.15
#: Share of CSV exports whose ID column was converted to numbers by Excel.
MANGLE_RATE = 0.08
#: Header language of the exports; "bilingual" only for the Meta Business Suite post layouts
#: (the only ones seen mixing French and English headers), renormalised away elsewhere.
LANGUAGE_SHARES = {"fr": 0.45, "en": 0.30, "bilingual": 0.25}

#: Article era (2016-2019): network → list of (table, layout, writer options).
#: Facebook: Toulouse and Grand Est download the legacy workbook, the others the CSV.
ERA_LAYOUTS = {
    "facebook": [
        ("posts", "facebook_insights_legacy", {}),
        ("followers", "meta_daily_series", {"metric": "followers"}),
        ("followers", "meta_daily_series", {"metric": "follows"}),
        ("followers", "meta_daily_series", {"metric": "unfollows"}),
        ("audience", "meta_audience", {}),
    ],
    "instagram": [("posts", "instagram_graph_json", {}), ("audience", "meta_audience", {})],
    "x": [("posts", "x_tweet_activity", {})],
    "linkedin": [("posts", "linkedin_content", {}), ("followers", "linkedin_followers", {})],
    "youtube": [
        ("posts", "youtube_studio_table", {"selection": "full"}),
        ("followers", "youtube_studio_chart", {"metric": "gained"}),
        ("followers", "youtube_studio_chart", {"metric": "lost"}),
    ],
    "snapchat": [("posts", "snapchat_manual_csv", {"with_followers": True})],
    "viadeo": [],  # no export exists: truth only
}
_XLSX_ACCOUNTS = {("toulouse", "facebook"), ("grand_est", "facebook")}
#: Today's layouts (modern bundle).
MODERN_LAYOUTS = {
    "facebook": [
        ("posts", "meta_business_suite_posts", {}),
        ("followers", "meta_daily_series", {"metric": "followers"}),
        ("followers", "meta_daily_series", {"metric": "follows"}),
        ("followers", "meta_daily_series", {"metric": "unfollows"}),
        ("audience", "meta_audience", {}),
    ],
    "instagram": [
        ("posts", "meta_business_suite_instagram", {}),
        ("followers", "meta_daily_series", {"metric": "follows"}),
        ("audience", "meta_audience", {}),
    ],
    "x": [("posts", "x_account_analytics_content", {}), ("followers", "x_account_overview", {})],
    "linkedin": [("posts", "linkedin_content", {}), ("followers", "linkedin_followers", {})],
    "youtube": [
        ("posts", "youtube_studio_table", {"selection": "full"}),
        ("followers", "youtube_studio_chart", {"metric": "gained"}),
        ("followers", "youtube_studio_chart", {"metric": "lost"}),
    ],
    # the real Studio downloads (Content.csv, FollowerHistory.csv in their zips), not the
    # unverified fixture-style layout the TikTok writer can also produce
    "tiktok": [
        ("posts", "tiktok_content", {"style": "studio"}),
        ("followers", "tiktok_follower_history", {}),
    ],
}
#: Layouts that produce CSV files (the only ones a spreadsheet re-save applies to).
CSV_LAYOUTS = {
    "facebook_insights_legacy", "meta_business_suite_posts", "meta_daily_series", "x_tweet_activity",
    "x_account_analytics_content", "x_account_overview", "youtube_studio_table", "youtube_studio_chart",
    "snapchat_manual_csv", "tiktok_content", "tiktok_follower_history", "meta_audience",
    "meta_business_suite_instagram",
}
_EN_ONLY = {"facebook_insights_legacy", "facebook_insights_legacy_xlsx"}  # no French legacy export known
_BILINGUAL = {"meta_business_suite_posts", "meta_business_suite_instagram"}
_MONTHLY = {"x_tweet_activity"}
_TRUTH_TABLES = ("posts", "followers", "audience", "conversations")
_PARIS = "Europe/Paris"


# --------------------------------------------------------------------------- truth


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(
        table,
        path,
        compression="zstd",
        compression_level=9,
        use_dictionary=True,
        write_statistics=True,
        data_page_version="1.0",
        version="2.6",
    )


def _write_json(obj, path: Path) -> None:
    text = json.dumps(obj, sort_keys=True, indent=1, ensure_ascii=False, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


def write_truth(panel, folder) -> list[Path]:
    """Write a panel's canonical tables as Parquet and its planted effects as JSON.

    Parameters
    ----------
    panel : Panel
    folder : str or pathlib.Path
        Created if needed; ``posts.parquet``, ``followers.parquet``,
        ``audience.parquet``, ``conversations.parquet`` and
        ``planted_effects.json`` are written inside.

    Returns
    -------
    list of pathlib.Path
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name in _TRUTH_TABLES:
        path = folder / f"{name}.parquet"
        _write_parquet(getattr(panel, name), path)
        out.append(path)
    path = folder / "planted_effects.json"
    _write_json(panel.planted_effects, path)
    out.append(path)
    return out


def write_manifest(out_dir) -> Path:
    """Write ``MANIFEST.sha256`` (``sha256sum -c`` format) over ``raw/``, ``truth/`` and the plan."""
    out_dir = Path(out_dir)
    lines = []
    if (out_dir / EXPORT_PLAN).is_file():
        plan = out_dir / EXPORT_PLAN
        lines.append(f"{hashlib.sha256(plan.read_bytes()).hexdigest()}  {EXPORT_PLAN}")
    for sub in ("raw", "truth"):
        root = out_dir / sub
        if not root.is_dir():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            lines.append(f"{digest}  {path.relative_to(out_dir).as_posix()}")
    lines.sort(key=lambda s: s.split("  ", 1)[1])
    manifest = out_dir / "MANIFEST.sha256"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


# --------------------------------------------------------------------------- plan


def _maturity(age_days: np.ndarray) -> np.ndarray:
    a = np.maximum(np.asarray(age_days, float), 0.0)
    return 1.0 - 0.9 * np.exp(-a / 3.0) - 0.1 * np.exp(-a / 90.0)


def _periods(start: pd.Timestamp, end: pd.Timestamp, freq: str) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Calendar periods (inclusive dates) covering [start, end]."""
    starts = pd.period_range(start, end, freq=freq)
    out = []
    for p in starts:
        s = max(p.start_time.normalize(), start)
        e = min(p.end_time.normalize(), end)
        out.append((s, e))
    return out


def export_plan(panel, *, seed: int, layouts: dict | None = None, modern: bool = False) -> pd.DataFrame:
    """Decide which export file is written for which account, period and mess.

    Returns
    -------
    pandas.DataFrame
        One row per file: ``collectivite, account, network, table, layout,
        period_start, period_end, exported_at, language, resave, mangle_ids,
        overlap``. Deterministic given ``seed``.
    """
    layouts = layouts or (MODERN_LAYOUTS if modern else ERA_LAYOUTS)
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 7_2019 + int(modern)]))
    days = pd.to_datetime(panel.planted_effects["period"]["start"]), pd.to_datetime(
        panel.planted_effects["period"]["end"]
    )
    accounts = (
        panel.posts[["collectivite", "account", "network"]]
        .astype(str)
        .drop_duplicates()
        .sort_values(["collectivite", "network", "account"])
        .itertuples(index=False)
    )
    first_day = panel.followers.groupby("account", observed=True)["date"].min()
    rows = []
    for coll, account, network in accounts:
        born = first_day.get(account)
        acc_start = max(days[0], born.tz_localize(None)) if born is not None else days[0]
        for table, layout, options in layouts.get(network, []):
            if not modern and layout == "facebook_insights_legacy" and (coll, network) in _XLSX_ACCOUNTS:
                layout = "facebook_insights_legacy_xlsx"
            freq = "M" if (modern or layout in _MONTHLY) else "Q"
            periods = _periods(acc_start, days[1], freq)
            for k, (s, e) in enumerate(periods):
                overlap = bool(k > 0 and table == "posts" and rng.random() < OVERLAP_RATE)
                if overlap:
                    back = pd.DateOffset(months=1) if freq == "Q" else pd.Timedelta(days=int(rng.integers(7, 15)))
                    s = max(acc_start, s - back)
                delay = pd.Timedelta(days=int(rng.integers(1, 21)))
                local = (e + delay).normalize() + pd.Timedelta(hours=float(rng.uniform(8.5, 18.0)))
                local = local.round("s")
                exported = local.tz_localize(_PARIS, ambiguous=True, nonexistent="shift_forward").tz_convert("UTC")
                csv_like = layout in CSV_LAYOUTS
                resave = ""
                if csv_like and rng.random() < RESAVE_RATE:
                    resave = "fr_excel" if rng.random() < 2 / 3 else "fr_excel_utf8"
                mangle = 1.0 if (csv_like and table == "posts" and rng.random() < MANGLE_RATE) else 0.0
                langs = list(LANGUAGE_SHARES)
                probs = np.array([LANGUAGE_SHARES[x] for x in langs])
                if layout not in _BILINGUAL:
                    probs[langs.index("bilingual")] = 0.0
                language = langs[int(rng.choice(len(langs), p=probs / probs.sum()))]
                if layout in _EN_ONLY:
                    language = "en"
                rows.append({
                    "collectivite": coll, "account": account, "network": network, "table": table,
                    "layout": layout, "options": json.dumps(options, sort_keys=True),
                    "period_start": s, "period_end": e, "exported_at": exported,
                    "language": language, "resave": resave, "mangle_ids": mangle, "overlap": overlap,
                })
    return pd.DataFrame(rows)


def _slice_posts(posts: pd.DataFrame, plan: pd.DataFrame) -> dict[int, pd.DataFrame]:
    """Posts of each planned file, with lifetime metrics as of that export."""
    pub_local = posts["published_at"].dt.tz_convert(_PARIS).dt.tz_localize(None).to_numpy()
    account = posts["account"].to_numpy(dtype=object)
    by_account = {}
    for acc in pd.unique(account):  # positions of each account's posts, in time order
        pos = np.flatnonzero(account == acc)
        by_account[acc] = pos[np.argsort(pub_local[pos], kind="stable")]
    members = []
    for i, r in plan[plan["table"] == "posts"].iterrows():
        pos = by_account.get(r["account"], np.array([], dtype=np.int64))
        times = pub_local[pos]
        lo = np.searchsorted(times, np.datetime64(r["period_start"]), side="left")
        hi = np.searchsorted(times, np.datetime64(r["period_end"] + pd.Timedelta(days=1)), side="left")
        idx = np.sort(pos[lo:hi])
        members.append(pd.DataFrame({"file": i, "row": idx, "exported_at": r["exported_at"]}))
    if not members:
        return {}
    mem = pd.concat(members, ignore_index=True)
    latest = mem.groupby("row")["exported_at"].transform("max")
    pub = posts["published_at"].to_numpy()[mem["row"].to_numpy()]
    age_now = (mem["exported_at"].to_numpy() - pub) / np.timedelta64(1, "D")
    age_last = (latest.to_numpy() - pub) / np.timedelta64(1, "D")
    ratio = np.where(mem["exported_at"] == latest, 1.0, _maturity(age_now) / np.maximum(_maturity(age_last), 1e-9))
    mem["ratio"] = np.minimum(ratio, 1.0)
    out = {}
    for f, grp in mem.groupby("file", sort=True):
        sl = posts.iloc[grp["row"].to_numpy()].copy()
        r = grp["ratio"].to_numpy()
        if (r < 1).any():
            for m in METRICS:
                v = sl[m].astype("Float64") * r
                sl[m] = np.floor(v).astype("Int64")
        sl["exported_at"] = plan.loc[f, "exported_at"]
        out[f] = sl.reset_index(drop=True)
    return out


def _slice_table(frame: pd.DataFrame, r) -> pd.DataFrame:
    day = frame["date"].dt.tz_localize(None)
    m = (frame["account"] == r["account"]) & (day >= r["period_start"]) & (day <= r["period_end"])
    out = frame.loc[m]
    if r["table"] == "audience" and len(out):  # one snapshot per file: the latest in the period
        out = out[out["date"] == out["date"].max()]
    return out.reset_index(drop=True)


def _normalise_zip(path: Path, exported_at: pd.Timestamp) -> None:
    """Fixed entry timestamps and core-property dates, so xlsx files are reproducible."""
    if not zipfile.is_zipfile(path):
        return
    stamp = exported_at.tz_convert("UTC").tz_localize(None)
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rf"\g<1>{iso}\g<2>", text)
                data = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=(stamp.year, stamp.month, stamp.day, stamp.hour,
                                                           stamp.minute, stamp.second))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)
    path.write_bytes(buf.getvalue())


def _compact_json(path: Path) -> None:
    """Re-serialise a JSON export compactly, as the Graph API sends it (keys keep their order)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _write_raw(panel, plan: pd.DataFrame, root: Path, base: Path, *, seed: int) -> tuple[pd.DataFrame, list[str]]:
    from .exports import WRITERS, write_export

    missing = sorted(set(plan["layout"]) - set(WRITERS))
    plan = plan[plan["layout"].isin(list(WRITERS))].reset_index(drop=True)
    post_slices = _slice_posts(panel.posts, plan)
    files, n_rows = [], []
    for i, r in plan.iterrows():
        if r["table"] == "posts":
            table = post_slices.get(i, panel.posts.iloc[:0])
        else:
            table = _slice_table(getattr(panel, r["table"]), r)
        if len(table) == 0:  # nobody exports an empty period (e.g. a dormant account)
            files.append("")
            n_rows.append(0)
            continue
        folder = root / r["collectivite"] / r["network"] / r["account"]
        before = set(folder.rglob("*")) if folder.exists() else set()
        rng = np.random.default_rng(np.random.SeedSequence([int(seed), 31, i]))
        options = json.loads(r["options"])
        if options.pop("with_followers", False):
            options["followers"] = _slice_table(panel.followers, {**r, "table": "followers"})
        try:
            path = write_export(
                r["layout"], table, folder, exported_at=r["exported_at"], language=r["language"],
                resave=r["resave"] or None, mangle_ids=float(r["mangle_ids"]), rng=rng,
                **options,
            )
        except Exception as exc:  # a writer's bug must not hide which file failed
            raise EngagementError(
                f"export writer {r['layout']!r} failed for {r['account']} "
                f"{r['period_start']:%Y-%m-%d}..{r['period_end']:%Y-%m-%d}: {exc}"
            ) from exc
        path = Path(path)
        if path in before:
            raise EngagementError(f"export file {path} written twice: two exports share one file name")
        if path.suffix.lower() in (".xlsx", ".zip"):
            _normalise_zip(path, r["exported_at"])
        elif path.suffix.lower() == ".json":
            _compact_json(path)
        files.append(path.relative_to(base).as_posix())
        n_rows.append(len(table))
    plan = plan.assign(file=files, n_rows=n_rows)
    return plan[plan["file"] != ""].reset_index(drop=True), missing


def _index_frame(plan: pd.DataFrame) -> pd.DataFrame:
    out = plan.copy()
    for c in ("period_start", "period_end"):
        out[c] = out[c].dt.strftime("%Y-%m-%d")
    out["exported_at"] = out["exported_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    cols = ["file", "collectivite", "account", "network", "table", "layout", "options", "period_start", "period_end",
            "exported_at", "language", "resave", "mangle_ids", "overlap", "n_rows"]
    return out[cols].sort_values("file").reset_index(drop=True)


def write_bundle(panel, out_dir, *, seed: int, raw: bool = True, modern: bool | object = True) -> Path:
    """Write the bundled datasets: raw exports, truth tables, planted effects, manifest.

    Parameters
    ----------
    panel : Panel
        The article-era panel (from :func:`simulate_panel`).
    out_dir : str or pathlib.Path
        Target folder (``datasets``). Its ``raw/`` and ``truth/`` sub-folders
        and ``MANIFEST.sha256`` are replaced; other files are left alone.
    seed : int
        Seed of the export plan and of the writers' own noise (and of the
        modern panel).
    raw : bool, default True
        Write the raw exports (False: truth tables and manifest only).
    modern : bool or Panel, default True
        Also simulate and write the smaller modern bundle (``raw/modern``,
        ``truth/modern``); a Panel is used as is.

    Returns
    -------
    pathlib.Path
        The manifest written.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for sub in ("raw", "truth"):
        if (out_dir / sub).exists():
            shutil.rmtree(out_dir / sub)
    write_truth(panel, out_dir / "truth")
    index = []
    missing: set[str] = set()
    modern_panel = None
    if modern is not False:
        from .model import simulate_panel
        from .scenario import modern_scenario

        modern_panel = modern if modern is not True else simulate_panel(modern_scenario(), seed=seed)
        write_truth(modern_panel, out_dir / "truth" / "modern")
    if raw:
        plan = export_plan(panel, seed=seed)
        done, miss = _write_raw(panel, plan, out_dir / "raw", out_dir / "raw", seed=seed)
        index.append(done)
        missing |= set(miss)
        if modern_panel is not None:
            plan = export_plan(modern_panel, seed=seed, modern=True)
            done, miss = _write_raw(modern_panel, plan, out_dir / "raw" / "modern", out_dir / "raw", seed=seed)
            index.append(done)
            missing |= set(miss)
        idx = _index_frame(pd.concat(index, ignore_index=True))
        idx.to_csv(out_dir / EXPORT_PLAN, index=False, lineterminator="\n")
        if missing:
            (out_dir / "raw" / "MISSING_LAYOUTS.txt").write_text(
                "Layouts planned but without an export writer yet (no files written):\n"
                + "".join(f"{m}\n" for m in sorted(missing)),
                encoding="utf-8",
            )
    return write_manifest(out_dir)
