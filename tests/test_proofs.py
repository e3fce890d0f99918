"""The proof headers of standalone_source (lossviz/proofs.json) against the tests they cite.

tools/proofs.py writes the file from the tests' own parameters: the ids pytest collects,
the tolerances and cases of the tests, the backends of the Makefile and the installed
versions. Here the file is regenerated and must be what is committed, and a changed
tolerance, or a cited test that compares otherwise, must make it disagree.
"""

from __future__ import annotations

import importlib.util
import json
import tomllib
from functools import cache
from pathlib import Path

import pytest

import lossviz
from lossviz.standalone import FLAVORS, _public, proof_header, standalone_source

ROOT = Path(__file__).resolve().parent.parent
PROOFS = ROOT / "lossviz" / "proofs.json"
BLOCKS = json.loads(PROOFS.read_text())["blocks"]
LICENSE = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]


def _tool():
    spec = importlib.util.spec_from_file_location("proofs_tool", ROOT / "tools" / "proofs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_block_has_one_proof_and_every_proof_a_block():
    blocks = {f"{flavor}:{function}" for flavor in FLAVORS for _, function in _public(flavor).values()}
    assert set(BLOCKS) == blocks


@pytest.mark.parametrize("key", sorted(BLOCKS))
def test_header_opens_the_block_and_says_what_its_proof_says(key):
    flavor, name = key.split(":")
    header = proof_header(name, flavor)
    assert standalone_source(name, flavor).startswith(header)
    assert header.startswith(f"# SPDX-License-Identifier: {LICENSE}\n")
    assert f"# by {BLOCKS[key]['test']}\n" in header
    # A sentence may wrap onto the next comment line: compare the words.
    words = " ".join(line.lstrip("#").strip() for line in header.splitlines())
    assert f"from lossviz {lossviz.__version__}:" in words and BLOCKS[key]["alone"] in words
    for claim in BLOCKS[key]["claims"]:
        on = f" ({claim['on']})" if claim["on"] else ""
        assert claim["cases"] > 0
        assert f"{claim['against']}{on}: {claim['how']}; {claim['cases']} cases" in words
    lines = [line for line in header.splitlines() if not line.startswith("# by ")]  # a test id may be longer
    assert max(map(len, lines)) <= 88


def test_unknown_name_is_refused_like_standalone_source():
    with pytest.raises(ValueError, match=r"argument `name`.*Received: name='hubr'"):
        proof_header("hubr")


@cache
def _found():
    return _tool().found()


@pytest.mark.keras
def test_proofs_file_is_what_the_tests_say():
    tool = _tool()
    assert tool.render(tool.build(_found())) == PROOFS.read_text(), "run .venv/bin/python tools/proofs.py"


@pytest.mark.keras
def test_a_changed_tolerance_or_a_renamed_test_makes_the_proof_disagree(monkeypatch):
    import test_keras_reference
    import test_standalone_metrics

    tool = _tool()
    committed = PROOFS.read_text()
    monkeypatch.setattr(test_keras_reference, "RTOL", 1e-3)
    assert tool.render(tool.build(_found())) != committed
    monkeypatch.undo()
    monkeypatch.setitem(test_standalone_metrics.REFERENCE_TOLERANCE, "rtol", 1e-9)
    assert tool.render(tool.build(_found())) != committed
    monkeypatch.undo()
    renamed = {**_found(), "ids": [i.replace("[huber]", "[huber_renamed]") for i in _found()["ids"]]}
    with pytest.raises(SystemExit, match=r"test_numpy_loss_block_alone_equals_the_library_and_keras\[huber\]"):
        tool.build(renamed)


@pytest.mark.keras
def test_a_test_that_compares_otherwise_makes_the_proof_fail():
    """The header describes the cited tests' comparison statements (tools/proofs.py
    COMPARES): one that no longer reads as described stops the build."""
    tool = _tool()
    tool.COMPARES[tool.LOSS_TEST] = [
        statement.replace("rtol=spec.rtol", "rtol=1e-3") for statement in tool.COMPARES[tool.LOSS_TEST]
    ]
    with pytest.raises(SystemExit, match=r"no longer holds .*rtol=1e-3"):
        tool.build(_found())
