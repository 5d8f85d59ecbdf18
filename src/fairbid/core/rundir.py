"""Run directories: resolved config, versions, Parquet results, PNG figures, a report; atomic writes.

Layout of a run directory::

    <root>/<experiment>-seed<seed>-<YYYYmmdd-HHMMSS>/
        config.json        resolved configuration of the run
        versions.json      python, platform and package versions
        results/<name>.parquet
        figures/<name>.png
        <part>/...         sub-directories of the same shape for each experiment of ``fairbid reproduce``
        report.html

Every file is written to a temporary name in the same directory and renamed into place, so a kill
never leaves a half-written file behind.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import platform
import sys
import tempfile
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from fairbid.core.errors import FairbidError

VERSIONED_PACKAGES = (
    "fairbid", "numpy", "scipy", "numba", "networkx", "pyarrow", "matplotlib", "ray",
    "gymnasium", "pettingzoo", "torch", "torchrl", "benchmarl", "stable-baselines3", "cryptography",
)


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600; give the file the permissions a plain open() would have.
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def to_jsonable(obj: Any) -> Any:
    """Convert numpy scalars/arrays, paths and dataclass-like objects into plain JSON types."""
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    # A numpy object exists only once numpy is imported; not importing it here keeps CLI start-up light.
    np = sys.modules.get("numpy")
    if np is not None:
        if isinstance(obj, np.ndarray):
            return to_jsonable(obj.tolist())
        if isinstance(obj, np.integer):
            return int(obj)
        if isinstance(obj, np.floating):
            obj = float(obj)
        if isinstance(obj, np.bool_):
            return bool(obj)
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, Path):
        return str(obj)
    if hasattr(obj, "__dataclass_fields__"):
        from dataclasses import asdict

        return to_jsonable(asdict(obj))
    return obj


def atomic_write_json(path: str | os.PathLike, obj: Any) -> Path:
    """Write ``obj`` as indented JSON atomically."""
    return atomic_write_text(path, json.dumps(to_jsonable(obj), indent=2, sort_keys=False) + "\n")


def write_parquet(path: str | os.PathLike, columns: Mapping[str, Any] | Any) -> Path:
    """Write a table (mapping of column name to sequence, or a ``pyarrow.Table``) as Parquet atomically."""
    import io

    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = columns if isinstance(columns, pa.Table) else pa.table(
        {k: (np.asarray(v) if not isinstance(v, list) else v) for k, v in columns.items()}
    )
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return atomic_write_bytes(path, buf.getvalue())


def read_parquet(path: str | os.PathLike) -> dict[str, list]:
    """Read a Parquet file into a dict of column lists."""
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pydict()


def save_figure(path: str | os.PathLike, fig: Any, dpi: int = 110) -> Path:
    """Save a matplotlib figure as PNG atomically and close it."""
    import io

    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return atomic_write_bytes(path, buf.getvalue())


def package_versions() -> dict[str, str]:
    """Versions of python, the platform and fairbid's main dependencies (missing ones omitted)."""
    out = {"python": sys.version.split()[0], "platform": platform.platform()}
    for name in VERSIONED_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def run_name(experiment: str, seed: Any, when: _dt.datetime | None = None) -> str:
    """Directory name ``<experiment>-seed<seed>-<YYYYmmdd-HHMMSS>`` (CleanRL style)."""
    when = when or _dt.datetime.now()
    return f"{experiment}-seed{seed}-{when.strftime('%Y%m%d-%H%M%S')}"


class RunDir:
    """A run directory (see module docstring).

    Parameters
    ----------
    path : path-like
        The directory; created when missing.

    Examples
    --------
    >>> import tempfile
    >>> rd = RunDir.create(tempfile.mkdtemp(), "demo", seed=3, config={"n": 1})
    >>> sorted(p.name for p in rd.path.iterdir())
    ['config.json', 'versions.json']
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise FairbidError("--out", "exists and is not a directory", str(self.path))
        self.path.mkdir(parents=True, exist_ok=True)

    @classmethod
    def create(
        cls,
        root: str | os.PathLike | None,
        experiment: str,
        *,
        seed: Any,
        config: Mapping[str, Any],
        exact: bool = False,
    ) -> "RunDir":
        """Create ``root/<run_name>`` (or ``root`` itself when ``exact``) and write config and versions."""
        root = Path(root) if root is not None else Path("runs")
        path = root if exact else root / run_name(experiment, seed)
        rd = cls(path)
        rd.write_json("config.json", dict(config))
        rd.write_json("versions.json", package_versions())
        return rd

    def sub(self, name: str) -> "RunDir":
        """A sub-directory run directory (one per experiment in ``fairbid reproduce``)."""
        return RunDir(self.path / name)

    def write_json(self, name: str, obj: Any) -> Path:
        return atomic_write_json(self.path / name, obj)

    def read_json(self, name: str) -> Any:
        with open(self.path / name, encoding="utf-8") as fh:
            return json.load(fh)

    def write_table(self, name: str, columns: Mapping[str, Any] | Any) -> Path:
        """Write ``results/<name>.parquet``."""
        return write_parquet(self.path / "results" / f"{name}.parquet", columns)

    def read_table(self, name: str) -> dict[str, list]:
        return read_parquet(self.path / "results" / f"{name}.parquet")

    def save_figure(self, name: str, fig: Any) -> Path:
        """Write ``figures/<name>.png``."""
        return save_figure(self.path / "figures" / f"{name}.png", fig)

    def write_text(self, name: str, text: str) -> Path:
        return atomic_write_text(self.path / name, text)

    def tables(self) -> list[Path]:
        return sorted((self.path / "results").glob("*.parquet"))

    def figures(self) -> list[Path]:
        return sorted((self.path / "figures").glob("*.png"))
