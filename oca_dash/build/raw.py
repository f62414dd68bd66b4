"""Access to the raw public files in ``../shared/data/raw``.

Every reader here names the file it was reading when something is wrong, so a
failed build says exactly which raw file is missing or malformed and where.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pandas as pd

RAW_ENV = "OCA_RAW_DIR"
DEFAULT_RAW = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "raw"


class RawDataError(Exception):
    """A raw input is missing or not in the shape the build expects."""


class Raw:
    """The raw-data folder. ``rel`` paths are relative to it, as in PROVENANCE.md."""

    def __init__(self, root: str | Path | None = None):
        root = root or os.environ.get(RAW_ENV) or DEFAULT_RAW
        self.root = Path(root).resolve()
        self.used: set[str] = set()  # every raw file the build read, for the raw_files table
        if not self.root.is_dir():
            raise RawDataError(
                f"raw data folder not found: {self.root}. Pass --raw PATH or set {RAW_ENV}."
            )

    def path(self, rel: str) -> Path:
        p = self.root / rel
        if not p.is_file():
            raise RawDataError(f"missing raw file: {rel} (looked in {self.root})")
        self.used.add(rel)
        return p

    def read_csv(self, rel: str, **kw) -> pd.DataFrame:
        kw.setdefault("dtype", str)
        kw.setdefault("encoding", "utf-8-sig")
        kw.setdefault("keep_default_na", False)
        try:
            return pd.read_csv(self.path(rel), **kw)
        except RawDataError:
            raise
        except Exception as e:  # pandas raises many kinds; name the file
            raise RawDataError(f"cannot read raw file {rel}: {e}") from e

    def read_excel(self, rel: str, **kw) -> pd.DataFrame:
        try:
            return pd.read_excel(self.path(rel), **kw)
        except RawDataError:
            raise
        except Exception as e:
            raise RawDataError(f"cannot read raw file {rel}: {e}") from e

    def read_rds(self, rel: str) -> dict | pd.DataFrame:
        return _read_r(self.path(rel), rel, kind="rds")

    def read_rda(self, rel: str) -> dict:
        return _read_r(self.path(rel), rel, kind="rda")


def _read_r(path: Path, rel: str, kind: str):
    import rdata  # build-time dependency only

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # rdata warns about tbl_df / sf classes
            return rdata.read_rds(path) if kind == "rds" else rdata.read_rda(path)
    except Exception as e:
        raise RawDataError(f"cannot read R file {rel}: {e}") from e


def require_columns(df: pd.DataFrame, cols, rel: str) -> None:
    """Fail loudly, naming the file, when expected columns are absent."""
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise RawDataError(
            f"raw file {rel} is missing column(s) {missing}; found {list(df.columns)[:20]}"
        )
