"""Platform-shaped identifiers and permalinks, vectorised.

The shapes follow ``export_formats.md``: Facebook ``{page_id}_{post_id}``
(15-16 digit parts), Instagram 17-digit media ids, X snowflakes that decode
to the publication time (``ms = (id >> 22) + 1288834974657``), LinkedIn
``urn:li:activity:`` ids built the same way from milliseconds since 1970,
YouTube 11-character ids, TikTok ids whose top 32 bits are the Unix second.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["page_id", "make_post_ids", "hash_authors", "X_EPOCH_MS"]

X_EPOCH_MS = 1288834974657
_B64 = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"))


def page_id(account: str, network: str, digits: int = 15) -> str:
    """Deterministic numeric page/account id of a simulated account."""
    h = int.from_bytes(hashlib.sha256(f"{network}:{account}".encode()).digest()[:8], "big")
    lo = 10 ** (digits - 1)
    return str(lo + h % (9 * lo))


def _str(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype(np.int64)).cast(pa.string())


def _join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, pa.scalar("", pa.string()))


def _unique_within(keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Bump duplicate (key, value) pairs by one until all are unique."""
    values = values.copy()
    for _ in range(100):
        order = np.lexsort((values, keys))
        k, v = keys[order], values[order]
        dup = np.zeros(len(v), dtype=bool)
        dup[1:] = (k[1:] == k[:-1]) & (v[1:] == v[:-1])
        if not dup.any():
            return values
        values[order[dup]] += 1
    raise RuntimeError("could not make identifiers unique")  # pragma: no cover


def make_post_ids(
    network: str,
    epoch_ms: np.ndarray,
    account_codes: np.ndarray,
    handles: list[str],
    page_ids: list[str],
    rng: np.random.Generator,
    media: np.ndarray | None = None,
) -> tuple[pa.Array, pa.Array]:
    """Return ``(post_id, permalink)`` arrays for posts of one network.

    Parameters
    ----------
    network : str
        Network of every post given.
    epoch_ms : ndarray of int64
        Publication time, milliseconds since 1970 (UTC).
    account_codes : ndarray of int
        Index of each post's account into ``handles``/``page_ids``.
    handles, page_ids : list of str
        Per account: the handle used in URLs and the numeric page id.
    rng : numpy.random.Generator
    media : ndarray of str, optional
        Media type of each post: Facebook reels get ``facebook.com/reel/<id>``
        (no page in the link, as on the platform), videos and lives
        ``facebook.com/<page>/videos/<id>/``; Instagram reels
        ``instagram.com/reel/<shortcode>/``. Without it every link is a post link.
        The random draws do not depend on it.
    """
    n = len(epoch_ms)
    handle = pc.take(pa.array(handles, pa.string()), pa.array(account_codes))
    page = pc.take(pa.array(page_ids, pa.string()), pa.array(account_codes))
    sec = epoch_ms // 1000
    if network == "facebook":
        local = 900_000_000_000_000 + (sec - 1_420_070_400) * 1000 + rng.integers(0, 1000, n)
        local = _unique_within(account_codes, local)
        s = _str(local)
        pid = _join(page, "_", s)
        link = _join("https://www.facebook.com/", page, "/posts/", s)
        if media is not None:
            reel = _join("https://www.facebook.com/reel/", s)
            video = _join("https://www.facebook.com/", page, "/videos/", s, "/")
            kind = np.asarray(media, dtype=object)
            link = pc.if_else(pa.array(kind == "reel"), reel, link)
            link = pc.if_else(pa.array(np.isin(kind, ["video", "live"])), video, link)
    elif network == "instagram":
        media_id = 17_800_000_000_000_000 + (sec - 1_420_070_400) * 10_000 + rng.integers(0, 10_000, n)
        media_id = _unique_within(np.zeros(n, dtype=np.int64), media_id)
        pid = _str(media_id)
        code = _B64[rng.integers(0, 64, size=(n, 11))]
        code[:, 0] = "B"
        short = pa.array(["".join(row) for row in code], pa.string())
        link = _join("https://www.instagram.com/p/", short, "/")
        if media is not None:
            reel = _join("https://www.instagram.com/reel/", short, "/")
            link = pc.if_else(pa.array(np.asarray(media, dtype=object) == "reel"), reel, link)
    elif network == "x":
        snow = ((epoch_ms - X_EPOCH_MS) << 22) | rng.integers(0, 1 << 22, n)
        snow = _unique_within(np.zeros(n, dtype=np.int64), snow)
        pid = _str(snow)
        link = _join("https://twitter.com/", handle, "/status/", pid)
    elif network == "linkedin":
        act = (epoch_ms << 22) | rng.integers(0, 1 << 22, n)
        act = _unique_within(np.zeros(n, dtype=np.int64), act)
        pid = _join("urn:li:activity:", _str(act))
        link = _join("https://www.linkedin.com/feed/update/", pid)
    elif network == "tiktok":
        tid = (sec << 32) | rng.integers(0, 1 << 32, n)
        tid = _unique_within(np.zeros(n, dtype=np.int64), tid)
        pid = _str(tid)
        link = _join("https://www.tiktok.com/@", handle, "/video/", pid)
    elif network == "youtube":
        chars = _B64[rng.integers(0, 64, size=(n, 11))]
        pid_list = ["".join(row) for row in chars]
        seen: set[str] = set()
        for i, v in enumerate(pid_list):
            while v in seen:
                v = v[1:] + v[0]
            seen.add(v)
            pid_list[i] = v
        pid = pa.array(pid_list, pa.string())
        link = _join("https://www.youtube.com/watch?v=", pid)
    elif network == "snapchat":
        raw = rng.integers(0, 1 << 62, size=(n, 2), dtype=np.int64)
        pid = pa.array(
            [
                f"{a:016x}{b:016x}"[:8] + "-" + f"{a:016x}{b:016x}"[8:12] + "-" + f"{a:016x}{b:016x}"[12:16]
                + "-" + f"{a:016x}{b:016x}"[16:20] + "-" + f"{a:016x}{b:016x}"[20:32]
                for a, b in raw
            ],
            pa.string(),
        )
        link = pa.nulls(n, pa.string())
    else:  # viadeo and anything else: numeric ids
        num = 3_000_000_000 + (sec - 1_420_070_400) + rng.integers(0, 1000, n) * 1_000_000_000
        num = _unique_within(np.zeros(n, dtype=np.int64), num)
        pid = _join("vd", _str(num))
        link = _join("https://www.viadeo.com/fr/company/", handle, "/news/", _str(num))
    return pid, link


def hash_authors(keys: list[str], salt: str) -> list[str]:
    """Salted SHA-256 pseudonyms (16 hex characters) of author keys."""
    salt_b = salt.encode()
    return [hashlib.sha256(salt_b + k.encode()).hexdigest()[:16] for k in keys]
