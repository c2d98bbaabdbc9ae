"""French post texts from per-topic templates, assembled vectorised with pyarrow.

Each topic of ``texts/fr.json`` has templates with ``{slot}`` fields. A slot is
filled from the topic's own vocabulary first, then from the collectivité's
places (``ville``, ``lieu``, ``quartier``, ``monument``, ``site``), then from the
shared vocabulary (days, hours, emojis, closing sentences). Topic vocabularies
are disjoint enough for TF-IDF clustering to find the topics; the shared
slots and closing sentences keep it from being trivial.
"""

from __future__ import annotations

import json
import string
from functools import lru_cache
from importlib import resources

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["make_texts"]

_PLACE_SLOTS = ("ville", "lieu", "quartier", "monument", "site")


@lru_cache(maxsize=1)
def _templates() -> dict:
    text = resources.files(__package__).joinpath("texts/fr.json").read_text(encoding="utf-8")
    return json.loads(text)


def _parse(template: str) -> list[tuple[str, str | None]]:
    return [(lit, name) for lit, name, _, _ in string.Formatter().parse(template)]


def make_texts(
    topics: np.ndarray,
    topic_names: tuple[str, ...],
    places: np.ndarray,
    place_names: list[str],
    rng: np.random.Generator,
) -> pa.Array:
    """Return one French text per post.

    Parameters
    ----------
    topics : ndarray of int
        Topic code of each post (index into ``topic_names``).
    topic_names : tuple of str
        Topic ids (keys of ``texts/fr.json``).
    places : ndarray of int
        Place-set code of each post (index into ``place_names``).
    place_names : list of str
        Collectivité ids with a place set in ``texts/fr.json``, or
        ``"_synthetic"``.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    pyarrow.StringArray
        Texts in post order.
    """
    spec = _templates()
    shared = spec["shared"]
    n = len(topics)
    out_chunks: list[pa.Array] = []
    out_positions: list[np.ndarray] = []
    # place vocabularies: per slot, one concatenated array with offsets per place set
    place_vocab = {}
    for slot in _PLACE_SLOTS:
        values, offsets, sizes = [], [], []
        for name in place_names:
            vocab = spec["places"].get(name, spec["places"]["_synthetic"])[slot]
            offsets.append(len(values))
            sizes.append(len(vocab))
            values.extend(vocab)
        place_vocab[slot] = (pa.array(values, pa.string()), np.asarray(offsets), np.asarray(sizes))

    for t_code, topic in enumerate(topic_names):
        rows = np.flatnonzero(topics == t_code)
        if rows.size == 0:
            continue
        tspec = spec["topics"][topic]
        templates = tspec["templates"]
        which = rng.integers(0, len(templates), size=rows.size)
        for k, template in enumerate(templates):
            sel = rows[which == k]
            if sel.size == 0:
                continue
            parts = []
            for literal, slot in _parse(template):
                if literal:
                    parts.append(pa.scalar(literal, pa.string()))
                if slot is None:
                    continue
                if slot in tspec["slots"]:
                    vocab = pa.array(tspec["slots"][slot], pa.string())
                    idx = rng.integers(0, len(vocab), size=sel.size)
                elif slot in place_vocab:
                    vocab, offsets, sizes = place_vocab[slot]
                    p = places[sel]
                    idx = offsets[p] + (rng.random(sel.size) * sizes[p]).astype(np.int64)
                else:
                    vocab = pa.array(shared[slot], pa.string())
                    idx = rng.integers(0, len(vocab), size=sel.size)
                parts.append(pc.take(vocab, pa.array(idx)))
            if not any(isinstance(p, pa.Array) for p in parts):
                parts.append(pa.array([""] * sel.size, pa.string()))
            joined = pc.binary_join_element_wise(*parts, pa.scalar("", pa.string()))
            out_chunks.append(joined)
            out_positions.append(sel)
    if not out_chunks:
        return pa.array([], pa.string())
    allv = pa.concat_arrays(out_chunks)
    pos = np.concatenate(out_positions)
    order = np.empty(n, dtype=np.int64)
    order[pos] = np.arange(n)
    return pc.take(allv, pa.array(order))
