"""JSON inputs (network, funding instance, prior) and edge lists, damaged in every way a user manages.

Definitely-invalid documents must give one clean ``error:`` line (exit 2, nothing created); random
mutations of a valid document (hypothesis) may be valid, so for those the run must either succeed or
refuse cleanly: never a traceback, an internal-error line or a hang.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.harness import BASE, CORRELATED, INSTANCE, MARKET, NETWORK, PRIOR, ROBUST, SECURITY, base_args, commands, problems, replace_param, run, \
    unexpected

COMMANDS = {c.id: c for c in commands()}
DOCS = {"network": NETWORK, "instance": INSTANCE, "prior": PRIOR, "security": SECURITY, "correlated": CORRELATED,
        "robust": ROBUST, "market": MARKET}


#: Invocations reading a JSON file, besides those of BASE (whose own base uses another input).
JSON_BASES = {"elicitation audit": ["--prior", "{prior}", "--mechanism", "oa"]}


def _json_targets():
    """(command, option, format, base args) for every known command whose invocation reads a JSON file."""
    out = []
    for cid, args in [*BASE.items(), *JSON_BASES.items()]:
        if cid not in COMMANDS:
            continue
        for i, a in enumerate(args):
            key = a.strip("{}")
            if a.startswith("{") and key in DOCS and i > 0 and args[i - 1].startswith("--"):
                param = next(p for p in COMMANDS[cid].params if p.name == args[i - 1])
                out.append((COMMANDS[cid], param, key, args))
    return out


TARGETS = _json_targets()
#: Keys a format may omit (a documented default applies), so dropping them is not an error.
OPTIONAL_KEYS = {("market", "budgets")}
DEEP = "[" * 100_000 + "]" * 100_000
WRONG_VALUES = [-5, "x", None, [], {}, True, 10**400, json.loads("[" * 40 + "1" + "]" * 40), {"k": 1}]


def _raw_corpus(fmt: str) -> list[tuple[str, bytes]]:
    doc = DOCS[fmt]
    text = json.dumps(doc)
    cases = [
        ("empty", b""), ("binary", bytes(range(256))), ("latin1", text.replace('"', '"\xe9', 1).encode("latin-1")),
        ("utf16", text.encode("utf-16")), ("deep", DEEP.encode()), ("nan", text.replace("1", "NaN", 1).encode()),
        ("infinity", text.replace("1", "Infinity", 1).encode()), ("giant-int", ("1" * 5000).encode()),
        ("truncated", text[: len(text) // 2].encode()), ("list", b"[]"), ("number", b"5"), ("string", b'"x"'),
        ("duplicate-key", ("{" + text[1:-1] + ", " + text[1:-1] + "}").encode()),
    ]
    for key in doc:
        rest = {k: v for k, v in doc.items() if k != key}
        if (fmt, key) not in OPTIONAL_KEYS:
            cases.append((f"no-{key}", json.dumps(rest).encode()))
        for i, bad in enumerate(WRONG_VALUES):
            cases.append((f"{key}={i}", json.dumps({**doc, key: bad}).encode()))
    if fmt == "network":
        cases += [("edge-object", json.dumps({**doc, "edges": [{"s": 1, "a": 2}]}).encode()),
                  ("edge-string", json.dumps({**doc, "edges": ["sa"]}).encode()),
                  ("edge-triple", json.dumps({**doc, "edges": [["s", "a", "b"]]}).encode()),
                  ("value-1e400", text.replace("1.0", "1e400", 1).encode()),
                  ("value-negative", text.replace("1.0", "-1.0", 1).encode())]
    if fmt == "prior":
        cases += [("ragged", b'{"joint": [[0.4, 0.1], [0.1]]}'), ("negative", b'{"joint": [[0.6, -0.1], [-0.1, 0.6]]}')]
    if fmt == "instance":
        cases += [("budget-negative", json.dumps({**doc, "budgets": {"x": -1, "y": 2, "z": 1}}).encode()),
                  ("approval-object", json.dumps({**doc, "approvals": {"x": {"a": 1}, "y": ["b"], "z": ["a"]}}).encode())]
    return cases


def _cases():
    for cmd, param, fmt, args in TARGETS:
        for name, data in _raw_corpus(fmt):
            yield pytest.param(cmd, param, args, data, id=f"{cmd.id}|{param.name}|{name}")


def test_json_targets_found():
    found = {(c.id, p.name) for c, p, _, _ in TARGETS}
    assert {("diffusion run", "--network"), ("choice fund", "--instance"), ("elicitation audit", "--prior")} <= found


def _args(args, files):
    return [a.format(**files) for a in args]


@pytest.mark.parametrize("cmd, param, args, data", list(_cases()))
def test_invalid_json_file_is_one_clean_error(cmd, param, args, data, files, tmp_path):
    path = tmp_path / "input.json"
    path.write_bytes(data)
    argv = [*cmd.path, *replace_param(_args(args, files), param, str(path))]
    res = run(argv, watch=[tmp_path, Path(files["root"])])
    assert problems(res) == [], res.describe()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)


def _mutate(doc, path, value):
    """``doc`` with the node reached by following ``path`` (indices taken modulo sizes) replaced."""
    if not path or not isinstance(doc, (dict, list)) or not doc:
        return value
    if isinstance(doc, dict):
        key = sorted(doc)[path[0] % len(doc)]
        return {**doc, key: _mutate(doc[key], path[1:], value)}
    i = path[0] % len(doc)
    return [*doc[:i], _mutate(doc[i], path[1:], value), *doc[i + 1:]]


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: f"{t[0].id}|{t[1].name}")
def test_mutated_json_never_crashes(target, files, tmp_path_factory):
    cmd, param, fmt, args = target

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(path=st.lists(st.integers(0, 50), min_size=1, max_size=4), value=json_values)
    def check(path, value):
        p = tmp_path_factory.mktemp("mut") / "input.json"
        p.write_text(json.dumps(_mutate(DOCS[fmt], path, value)))
        res = run([*cmd.path, *replace_param(_args(args, files), param, str(p))], watch=[p.parent])
        assert unexpected(res) == [], res.describe()

    check()


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.binary(max_size=200))
def test_random_bytes_as_network(data):
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "net.json"
        p.write_bytes(data)
        res = run(["diffusion", "run", "--mechanism", "idm", "--network", str(p)], watch=[Path(d)])
        assert problems(res) == [], res.describe()


# ------------------------------------------------------------------------------------------ edge lists
EDGE_CORPUS = {
    "binary": bytes(range(256)) * 2, "latin1": "1 2\n2 \xe9\n".encode("latin-1"), "empty": b"",
    "comments-only": b"# nothing\n# here\n", "one-token": b"1 2\n3\n", "six-tokens": b"1 2 3 4 5 6\n",
}
EDGE_COMMANDS = [c for c in ("influence spread", "influence select") if c in COMMANDS]


@pytest.mark.parametrize("cid", EDGE_COMMANDS)
@pytest.mark.parametrize("name", list(EDGE_CORPUS))
def test_invalid_edge_list_is_one_clean_error(cid, name, files, tmp_path):
    cmd = COMMANDS[cid]
    path = tmp_path / "edges.txt"
    path.write_bytes(EDGE_CORPUS[name])
    param = next(p for p in cmd.params if p.name == "--graph")
    res = run([*cmd.path, *replace_param(base_args(cmd, files), param, str(path))], watch=[tmp_path])
    assert problems(res) == [], res.describe()


edge_lines = st.lists(
    st.lists(st.one_of(st.integers(-5, 10**25).map(str), st.sampled_from(["nan", "inf", "x", "-", "1e400", "#"]),
                       st.floats(allow_nan=True).map(repr)), min_size=0, max_size=4).map(" ".join),
    max_size=8)


@pytest.mark.skipif(not EDGE_COMMANDS, reason="no influence commands")
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(lines=edge_lines)
def test_random_edge_lists_never_crash(lines):
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "edges.txt"
        p.write_text("\n".join(["1 2", *lines]) + "\n")
        res = run(["influence", "spread", "--graph", str(p), "--seeds", "1", "--sims", "10"], watch=[Path(d)])
        assert unexpected(res) == [], res.describe()
