"""The mechanism registry: every entry resolves, and every claim names a test that exists."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fairbid.cli.main import main
from fairbid.core.errors import FairbidError
from fairbid.core.registry import Claim, Entry, load_catalog, register_entry, resolve

ROOT = Path(__file__).resolve().parents[2]
CATALOG = load_catalog()


def test_entry_validation() -> None:
    good = dict(name="auctions.x", title="t", seed="004", subpackage="auctions", kind="mechanism",
                solver="fairbid.core.registry:resolve")
    with pytest.raises(FairbidError, match="registry name"):
        register_entry(Entry(**{**good, "name": "markets.x"}))
    with pytest.raises(FairbidError, match="registry kind"):
        register_entry(Entry(**{**good, "kind": "thing"}))
    with pytest.raises(FairbidError, match="registry claim test"):
        register_entry(Entry(**good, claims=(Claim("IC", True, "test_x"),)))


@pytest.mark.parametrize("name", list(CATALOG))
def test_entry_resolves(name: str) -> None:
    entry = CATALOG[name]
    assert callable(resolve(entry.solver)), entry.solver
    if entry.check is not None:
        assert callable(resolve(entry.check)), entry.check


def _test_exists(ref: str) -> bool:
    path, _, rest = ref.partition("::")
    file = ROOT / path
    if not file.is_file():
        return False
    func = re.sub(r"\[.*\]$", "", rest.split("::")[-1])
    return re.search(rf"^\s*(async\s+)?def {re.escape(func)}\(", file.read_text(), re.M) is not None


@pytest.mark.parametrize("name", list(CATALOG))
def test_claims_name_existing_tests(name: str) -> None:
    for claim in CATALOG[name].claims:
        assert _test_exists(claim.test), f"{name}: claim {claim.prop} names missing test {claim.test}"


def test_cli_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [e["name"] for e in out["entries"]] == list(CATALOG)


def test_cli_list_unknown_subpackage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--subpackage", "nope"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: --subpackage")


def test_report_lists_registry_entries() -> None:
    from fairbid.core.report import catalog_html

    page = catalog_html({"diffusion"})
    for name in [n for n in CATALOG if n.startswith("diffusion.")]:
        assert f"<td>{name}</td>" in page
    assert "auctions.fp" not in page


def test_diffusion_cli_choices_come_from_registry() -> None:
    from fairbid.diffusion import MECHANISMS

    assert MECHANISMS == tuple(n.split(".", 1)[1] for n, e in CATALOG.items()
                               if e.subpackage == "diffusion" and e.kind == "mechanism")
