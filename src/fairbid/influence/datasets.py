"""Registry of SNAP datasets: where to find them, how to fetch and verify them.

Lookup order for a dataset's file (first hit wins):

1. ``$FAIRBID_DATA`` (a directory),
2. the user cache ``$XDG_CACHE_HOME/fairbid`` (default ``~/.cache/fairbid``),
3. a ``shared/datasets`` folder beside the checkout: ``<repo>/../shared/datasets`` where ``<repo>`` is
   found from this package's location, then ``<cwd>/../shared/datasets`` and ``<cwd>/shared/datasets``.

Files are never copied into the repository. :func:`fetch` downloads from SNAP into the user cache.

Verification. A file is accepted when the sha256 of its bytes, of its decompressed bytes, or of its
decompressed bytes without ``#`` comment lines is one of the dataset's recorded checksums (the
copies in ``shared/datasets`` are recorded in its SOURCES.md; ``cit-hepph`` there is a verified
rebuild, so both its ``.gz`` and uncompressed checksums are accepted). Where no checksum of SNAP's
own file is recorded (``cit-hepph`` from SNAP, ``dblp``, ``youtube``), a download is verified by its
node and edge counts instead, and :func:`fetch` says so.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from fairbid.core.errors import FairbidError


@dataclass(frozen=True)
class Dataset:
    """One SNAP dataset."""

    name: str
    url: str
    files: tuple[str, ...]
    nodes: int
    edges: int
    directed: bool
    sha256: tuple[str, ...]
    description: str = ""

    @property
    def snap_checksum_known(self) -> bool:
        """Whether a checksum of SNAP's own download is recorded (else counts are checked)."""
        return self.name in ("facebook", "gnutella09")


SNAP = "https://snap.stanford.edu/data/"

REGISTRY: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            "facebook", SNAP + "facebook_combined.txt.gz", ("facebook_combined.txt", "facebook_combined.txt.gz"),
            4039, 88234, False,
            ("f41c026ed8af3cc3359f1ca5573d0605fb09ae0eefa34544b820fd8c6e2ef296",),
            "ego-Facebook, undirected",
        ),
        Dataset(
            "gnutella09", SNAP + "p2p-Gnutella09.txt.gz", ("p2p-Gnutella09.txt", "p2p-Gnutella09.txt.gz"),
            8114, 26013, True,
            ("2f63a8389c308e5800dff9e82acbb11cc1353872a6090f2bce3e2b51a21bc054",),
            "Gnutella P2P network, Aug 9 2002, directed",
        ),
        Dataset(
            "cit-hepph", SNAP + "cit-HepPh.txt.gz", ("cit-HepPh.txt.gz", "cit-HepPh.txt"),
            34546, 421578, True,
            (
                "378ded435ad8f2382fd2e0c4556fe93855fb426a017858daf8bd1a002b7f8a86",
                "1eacd5508fdf45fabe4a0ffd0479ec9cbaa827c8d3c775006a25a403d08d1cae",
            ),
            "arXiv HEP-PH citation graph, directed",
        ),
        Dataset(
            "dblp", SNAP + "bigdata/communities/com-dblp.ungraph.txt.gz",
            ("com-dblp.ungraph.txt.gz", "com-dblp.ungraph.txt"), 317080, 1049866, False, (),
            "DBLP co-authorship, undirected",
        ),
        Dataset(
            "youtube", SNAP + "bigdata/communities/com-youtube.ungraph.txt.gz",
            ("com-youtube.ungraph.txt.gz", "com-youtube.ungraph.txt"), 1134890, 2987624, False, (),
            "YouTube friendships, undirected",
        ),
    )
}


def get_dataset(name: str) -> Dataset:
    """The registry entry for ``name`` (case-insensitive); FairbidError for unknown names."""
    key = name.lower()
    if key not in REGISTRY:
        raise FairbidError("dataset", f"unknown name; choose one of {', '.join(REGISTRY)}", name)
    return REGISTRY[key]


def cache_dir() -> Path:
    """The user cache directory for datasets (``$XDG_CACHE_HOME/fairbid`` or ``~/.cache/fairbid``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fairbid"


def search_dirs() -> list[Path]:
    """Directories searched for dataset files, in lookup order (see the module docstring)."""
    dirs: list[Path] = []
    env = os.environ.get("FAIRBID_DATA")
    if env:
        dirs.append(Path(env))
    dirs.append(cache_dir())
    repo = Path(__file__).resolve().parents[3]
    cwd = Path.cwd()
    for d in (repo.parent / "shared" / "datasets", cwd.parent / "shared" / "datasets", cwd / "shared" / "datasets"):
        if d not in dirs:
            dirs.append(d)
    return dirs


def find_dataset(name: str) -> Path | None:
    """Path of the dataset's file in the first search directory that has it, else None."""
    ds = get_dataset(name)
    for d in search_dirs():
        for fname in ds.files:
            p = d / fname
            if p.is_file():
                return p
    return None


def dataset_path(name: str) -> Path:
    """Like :func:`find_dataset` but FairbidError when the file is nowhere to be found."""
    path = find_dataset(name)
    if path is None:
        where = ", ".join(str(d) for d in search_dirs())
        raise FairbidError("dataset", f"not found locally (searched {where}); try `fairbid datasets fetch`", name)
    return path


def file_checksums(path: Path) -> set[str]:
    """sha256 of the file's bytes, its decompressed bytes, and those without ``#`` lines."""
    raw = path.read_bytes()
    sums = {hashlib.sha256(raw).hexdigest()}
    data = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    sums.add(hashlib.sha256(data).hexdigest())
    body = b"".join(line for line in data.splitlines(keepends=True) if not line.startswith(b"#"))
    sums.add(hashlib.sha256(body).hexdigest())
    return sums


def verify(name: str, path: Path) -> str:
    """Check ``path`` against the dataset's checksums (or counts); return how it was verified.

    Raises FairbidError when neither a checksum nor (without a known SNAP checksum) the counts match.
    """
    ds = get_dataset(name)
    if file_checksums(path) & set(ds.sha256):
        return "sha256"
    if ds.snap_checksum_known:
        raise FairbidError("dataset", f"{path.name} does not match the recorded sha256", name)
    from fairbid.influence.io import read_edge_list

    src, dst, _ = read_edge_list(path)
    import numpy as np

    nodes = int(np.unique(np.concatenate([src, dst])).size)
    if (nodes, int(src.size)) != (ds.nodes, ds.edges):
        raise FairbidError("dataset", f"counts differ from SNAP's {ds.nodes} nodes / {ds.edges} edges",
                           f"{nodes} nodes / {src.size} edges")
    return "node and edge counts (no SNAP checksum recorded)"


def fetch(name: str, *, timeout: float = 30.0) -> tuple[Path, str]:
    """Download ``name`` from SNAP into the user cache (unless found locally) and verify it.

    Returns ``(path, how_verified)``. Offline, raises a one-line FairbidError saying so.
    """
    ds = get_dataset(name)
    local = find_dataset(name)
    if local is not None:
        return local, verify(name, local)
    target = cache_dir() / Path(ds.url).name
    try:
        with urllib.request.urlopen(ds.url, timeout=timeout) as resp:
            data = resp.read()
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FairbidError("fetch", f"offline or SNAP unreachable ({reason}); place the file in $FAIRBID_DATA",
                           ds.url) from None
    from fairbid.core.rundir import atomic_write_bytes

    atomic_write_bytes(target, data)
    try:
        how = verify(name, target)
    except FairbidError:
        target.unlink(missing_ok=True)
        raise
    return target, how
