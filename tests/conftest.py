from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))
