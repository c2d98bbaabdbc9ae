"""Shared fixtures: named seeds, paths to the bundled and real third-party data."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_REAL = REPO.parent / "shared" / "real"


@pytest.fixture
def rng():
    """A numpy Generator from a named, local seed."""
    import numpy as np

    return np.random.default_rng(20190304)


@pytest.fixture
def real_dir():
    """Folder of real third-party data (../shared/real); skip when absent."""
    if not SHARED_REAL.is_dir():
        pytest.skip("real third-party data (../shared/real) not available")
    return SHARED_REAL


@pytest.fixture
def thai_live_csv(real_dir):
    """The real 'Facebook Live sellers in Thailand' export; skip when absent."""
    path = real_dir / "fb_live_thailand" / "Live.csv"
    if not path.is_file():
        pytest.skip(f"{path} not available")
    return path
