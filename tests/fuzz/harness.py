"""The fuzz harness: enumerate every ``fairbid`` command, run it in-process, check the failure contract.

The contract for bad input (issue 14): exit code 2, exactly one ``error: ...`` line on stderr, nothing
on stdout, no traceback, no file or directory created. Commands are read from the typer app, so a group
added to ``GROUPS`` is fuzzed without touching this file (a command with required options and no entry
in :data:`BASE` gets type-based placeholder values).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from typer import _click as click
from typer.core import TyperArgument, TyperGroup

from fairbid.cli.main import app, main

#: Seconds one in-process invocation may take; a bad value accepted by mistake must not hang the suite.
TIMEOUT = 25


@dataclass(frozen=True)
class Param:
    """One option or argument of a command, as the fuzzer sees it."""

    name: str  # "--reserve", or the argument's name
    kind: str  # int, float, str, path, flag
    required: bool
    multiple: bool
    argument: bool
    minimum: Any = None


@dataclass(frozen=True)
class Command:
    path: tuple[str, ...]
    params: tuple[Param, ...]

    @property
    def id(self) -> str:
        return " ".join(self.path)


def _kind(p: Any) -> str:
    if getattr(p, "is_flag", False):
        return "flag"
    t = p.bare_type()
    name = getattr(t, "__name__", str(t))
    return {"int": "int", "float": "float", "Path": "path", "PosixPath": "path", "str": "str"}.get(name, "str")


def commands() -> list[Command]:
    """Every leaf command of the ``fairbid`` app with its parameters."""
    root = typer.main.get_command(app)
    ctx = click.Context(root)
    out: list[Command] = []

    def walk(cmd: Any, path: tuple[str, ...]) -> None:
        if isinstance(cmd, TyperGroup):
            for name in cmd.list_commands(ctx):
                walk(cmd.get_command(ctx, name), (*path, name))
            return
        params = []
        for p in cmd.params:
            arg = isinstance(p, TyperArgument)
            params.append(Param(p.name if arg else max(p.opts, key=len).split("/")[0], _kind(p),
                                bool(p.required), bool(getattr(p, "multiple", False)), arg,
                                getattr(p, "min", None)))
        out.append(Command(path, tuple(params)))

    walk(root, ())
    return out


# ---------------------------------------------------------------------------------------------------
# Valid inputs and a fast valid invocation of each known command
# ---------------------------------------------------------------------------------------------------
NETWORK = {"seller": "s", "edges": [["s", "a"], ["s", "b"], ["a", "c"], ["b", "c"]],
           "values": {"a": 1.0, "b": 2.0, "c": 3.0}}
INSTANCE = {"budgets": {"x": 1, "y": 2, "z": 1}, "approvals": {"x": ["a"], "y": ["b"], "z": ["a", "b"]}}
PRIOR = {"joint": [[0.4, 0.1], [0.1, 0.4]]}
EDGES = "# tiny graph\n1 2\n2 3\n1 4\n4 5\n"
CORRELATED = {"values": [[1.0, 2.0, 4.0]], "pmf": [0.5, 0.3, 0.2]}
ROBUST = {"values": [[1, 2], [1, 2]], "marginals": [[0.5, 0.5], [0.5, 0.5]]}
MARKET = {"valuations": [[2, 1], [1, 2], [1, 1]], "budgets": [1, 1, 1]}
CONGESTION = {"edges": [["s", "t"]] * 3, "a": [1, 1, 1], "b": [0, 0, 0], "source": "s", "sink": "t",
              "weights": [1, 1]}
SECURITY = {"resources": 1, "targets": [
    {"def_covered": 1, "def_uncovered": -2, "att_covered": -1, "att_uncovered": 2},
    {"def_covered": 2, "def_uncovered": -1, "att_covered": -2, "att_uncovered": 1}]}

SHARING = {"weights": {"a": 1, "b": 2, "c": 3}, "edges": [["a", "b"], ["b", "c"]]}
ROOMMATES = {"room_values": [[2, 0], [0, 2], [2, 0], [0, 2]],
             "roommate_values": [[0, 3, 0, 0], [3, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]}
RIDES = {"cars": [[0, 0], [5, 5]], "sources": [[0, 1], [0, 2], [5, 6], [5, 7]],
         "destinations": [[0, 3], [0, 4], [5, 8], [5, 9]]}


def write_fixtures(root: Path) -> dict[str, str]:
    """Valid input files under ``root``; returns placeholder -> path."""
    root.mkdir(parents=True, exist_ok=True)
    files = {"network": ("network.json", json.dumps(NETWORK)), "instance": ("instance.json", json.dumps(INSTANCE)),
             "prior": ("prior.json", json.dumps(PRIOR)), "edges": ("edges.txt", EDGES),
             "security": ("security.json", json.dumps(SECURITY)),
             "correlated": ("correlated.json", json.dumps(CORRELATED)), "robust": ("robust.json", json.dumps(ROBUST)),
             "market": ("market.json", json.dumps(MARKET)),
             "congestion": ("congestion.json", json.dumps(CONGESTION)),
             "sharing": ("sharing.json", json.dumps(SHARING)), "roommates": ("roommates.json", json.dumps(ROOMMATES)),
             "rides": ("rides.json", json.dumps(RIDES))}
    out = {}
    for key, (name, text) in files.items():
        (root / name).write_text(text)
        out[key] = str(root / name)
    (root / "a_file").write_text("x")
    out["file"] = str(root / "a_file")
    return out


#: A fast, valid invocation per command (placeholders in braces). Fuzzing changes one parameter of it.
BASE: dict[str, list[str]] = {
    "reproduce": ["--only", "auctions.lemma3", "--scale", "quick"],
    "experiments": [],
    "list": [],
    "auctions design": ["--algorithm", "1", "--bidders", "3"],
    "auctions analyze": ["--mechanism", "sp", "--bidders", "3", "--points", "5"],
    "auctions simulate": ["--mechanism", "sp", "--advertisers", "6", "--per-click", "3", "--clicks", "200",
                          "--window", "50"],
    "diffusion run": ["--mechanism", "idm", "--network", "{network}"],
    "diffusion audit": ["--mechanism", "idm", "--network", "{network}"],
    "diffusion protocol": ["--network", "{network}", "--runtime", "serial"],
    "diffusion verify-ledger": ["{file}"],
    "influence spread": ["--graph", "{edges}", "--seeds", "1", "--sims", "20"],
    "influence select": ["--graph", "{edges}", "--k", "1", "--sims", "20"],
    "datasets list": [],
    "datasets path": ["facebook"],
    "datasets fetch": ["nosuch-dataset"],
    "cbim train": ["--graph", "synthetic:powerlaw:60:200:3", "--seeds", "3", "--rounds", "2", "--sims", "5",
                   "--budget", "2", "--algorithm", "random"],
    "cbim evaluate": ["{file}"],
    "cbim grid": ["--out", "{out}", "--scale", "quick", "--project"],
    "choice fund": ["--instance", "{instance}"],
    "contests allpay": ["--values", "1,0.5", "--prizes", "1"],
    "contests design": ["--players", "3"],
    "elicitation audit": ["--signals", "2", "--mechanism", "oa"],
    "games security": ["--instance", "{security}"],
    "games congestion": ["--instance", "{congestion}", "--k", "2"],
    "auctions optimal": ["--instance", "{correlated}"],
    "auctions robust": ["--instance", "{robust}"],
    "markets solve": ["--model", "fisher-linear", "--instance", "{market}"],
    "markets generate": ["--buyers", "3", "--goods", "2"],
    "markets licences": ["--players", "3"],
    "online prophet": ["--k", "1", "--n", "3", "--values", "uniform:0:1"],
    "online reusable": ["--resources", "3", "--requests", "30", "--reps", "2"],
    "online dynamic": ["--m", "3", "--d", "3", "--horizon", "2"],
    "online inspections": ["--alpha", "1", "--n", "50", "--reps", "2"],
    "online sharing": ["--instance", "{sharing}", "--audit", "--pr-iterations", "10"],
    "online roommates": ["--instance", "{roommates}"],
    "online rideshare": ["--instance", "{rides}"],
    "online fairness": ["--offline", "3", "--types", "2", "--rounds", "3", "--objective", "group", "--groups", "2"],
}

PLACEHOLDER = {"int": "2", "float": "0.5", "str": "x", "path": "{file}"}


def base_args(cmd: Command, files: dict[str, str]) -> list[str]:
    """The command's valid invocation, or type-based placeholders for its required parameters."""
    args = BASE.get(cmd.id)
    if args is None:
        args = []
        for p in cmd.params:
            if p.required:
                value = PLACEHOLDER.get(p.kind, "x")
                args += [value] if p.argument else [p.name, value]
    return [a.format(**files) for a in args]


def replace_param(args: list[str], param: Param, value: str) -> list[str]:
    """``args`` with ``param`` set to ``value`` (its other occurrences removed)."""
    if param.argument:
        out, done = [], False
        for a in args:
            if not done and not a.startswith("--") and (not out or not out[-1].startswith("--")):
                out.append(value)
                done = True
            else:
                out.append(a)
        return out if done else [*out, value]
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a == param.name:
            skip = True
            continue
        out.append(a)
    return [*out, param.name, value]


# ---------------------------------------------------------------------------------------------------
# Running and checking
# ---------------------------------------------------------------------------------------------------
@dataclass
class Result:
    argv: list[str]
    rc: int
    out: str
    err: str
    created: list[str]

    def describe(self) -> str:
        return (f"fairbid {' '.join(self.argv)} -> rc {self.rc}; stderr {self.err[-600:]!r}; "
                f"stdout {self.out[:200]!r}; created {self.created[:5]}")


class Timeout(BaseException):
    """Raised by the alarm; a BaseException so the CLI's catch-all cannot turn it into an error line."""


def _snapshot(*roots: Path) -> set[str]:
    seen = set()
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            seen.add(dirpath)
            seen.update(os.path.join(dirpath, f) for f in filenames)
    return seen


def run(argv: list[str], watch: list[Path] | None = None, cwd: Path | None = None) -> Result:
    """Run ``fairbid argv`` in-process in ``cwd`` and record what it printed and created."""
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(cwd or tmp)
        watch = [cwd, *(watch or [])]
        before = _snapshot(*watch)
        out, err = io.StringIO(), io.StringIO()
        old = os.getcwd()
        handler = signal.signal(signal.SIGALRM, lambda *a: (_ for _ in ()).throw(Timeout(argv)))
        signal.alarm(TIMEOUT)
        try:
            os.chdir(cwd)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a library warning is not a traceback; errors are checked
                rc = main(list(argv))
        except Timeout:
            rc, err = -1, io.StringIO(f"TIMEOUT after {TIMEOUT} s")
        except BaseException as exc:  # noqa: BLE001 - anything escaping main() is a failure to report
            import traceback

            rc = -2
            err.write("Traceback (escaped main): " + "".join(traceback.format_exception(exc)))
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, handler)
            os.chdir(old)
        created = sorted(_snapshot(*watch) - before)
        return Result(list(argv), rc, out.getvalue(), err.getvalue(), created)


def problems(res: Result) -> list[str]:
    """Ways ``res`` breaks the bad-input contract (empty when it is a clean refusal)."""
    bad = []
    if res.rc != 2:
        bad.append(f"exit code {res.rc}, expected 2")
    lines = [ln for ln in res.err.splitlines() if ln.strip()]
    if "Traceback" in res.err or "Traceback" in res.out:
        bad.append("traceback printed")
    if len(lines) != 1 or not lines[0].startswith("error: "):
        bad.append(f"stderr is not one 'error:' line ({len(lines)} lines)")
    if res.out.strip():
        bad.append("printed on stdout")
    if res.created:
        bad.append(f"created {res.created[:3]}")
    return bad


def unexpected(res: Result) -> list[str]:
    """For inputs that may be valid: success or a clean refusal; never a crash, a bug line or a hang."""
    if res.rc == 0:
        return ["traceback printed"] if "Traceback" in res.err else []
    return problems(res)


# ---------------------------------------------------------------------------------------------------
# The corpus of option values that no command may accept
# ---------------------------------------------------------------------------------------------------
#: Options for which an infinite value is meaningful (documented in their help).
INF_OK = {("contests allpay", "--upper"), ("contests design", "--upper")}
#: Options that are seeds: any non-negative integer is a valid seed, however large.
SEED_LIKE = {"--seed", "--threshold-seed"}
#: Text options whose every value is meaningful (free-form), so garbage text is not an error.
FREE_TEXT: set[tuple[str, str]] = set()


def bad_values(cmd: Command, p: Param, files: dict[str, str]) -> list[str]:
    """Values of ``p`` that must be refused with a one-line error."""
    if p.kind == "int":
        vals = ["abc", "1.5", "", "1e400", "nan", "-99999999999999999999"]
        if p.name not in SEED_LIKE:
            vals.append("99999999999999999999")
        return vals
    if p.kind == "float":
        vals = ["abc", "", "nan", "1e400" if (cmd.id, p.name) not in INF_OK else "-1e400", "-inf"]
        if (cmd.id, p.name) not in INF_OK:
            vals.append("inf")
        return vals
    if p.kind == "path":
        if p.name == "--out":  # a run directory
            return [files["file"] + "/sub", files["file"]]
        if p.name.startswith("--export"):  # an output file: its directory must exist and be a directory
            return [files["file"] + "/sub.json", files["root"]]
        return [files["missing"], files["binary"], files["latin1"], files["empty"]]
    if p.kind == "str" and (cmd.id, p.name) not in FREE_TEXT:
        return ["zz@@::nonsense", files["binary"]] if p.name in ("--graph",) else ["zz@@::nonsense"]
    return []


def write_bad_files(root: Path) -> dict[str, str]:
    """Damaged input files under ``root``: missing, binary, non-UTF-8, empty."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "binary.json").write_bytes(bytes(range(256)) * 4)
    (root / "latin1.json").write_bytes('{"seller": "s\xe9"}'.encode("latin-1"))
    (root / "empty.json").write_bytes(b"")
    return {"missing": str(root / "missing.json"), "binary": str(root / "binary.json"),
            "latin1": str(root / "latin1.json"), "empty": str(root / "empty.json")}
