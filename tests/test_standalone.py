"""standalone_source: every block runs by itself and computes what the library computes."""

from __future__ import annotations

import pickle
import subprocess
import sys

import numpy as np
import pytest

import lossviz
from lossviz.standalone import code_lines, proof_header, standalone_names, standalone_source

# Runs a block in a fresh interpreter that has nothing but the block's own imports, then
# calls the function on pickled (args, kwargs) pairs and pickles back the results.
_RUNNER = """
import pickle, sys
source = sys.stdin.buffer.read().decode()
calls_start = source.index("\\n#--calls--\\n")
namespace = {}
exec(source[:calls_start], namespace)
calls = pickle.loads(bytes.fromhex(source[calls_start + 12:].strip()))
function = namespace[calls["function"]]
results = [function(*args, **kwargs) for args, kwargs in calls["calls"]]
sys.stdout.buffer.write(pickle.dumps(results))
"""


def run_alone(source: str, function: str, calls: list) -> list:
    """Results of ``function`` defined by ``source`` alone, in a fresh Python process."""
    payload = pickle.dumps({"function": function, "calls": calls}).hex()
    completed = subprocess.run(
        [sys.executable, "-I", "-c", _RUNNER],
        input=(source + "\n#--calls--\n" + payload).encode(),
        capture_output=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr.decode()[-2000:]
    return pickle.loads(completed.stdout)


@pytest.mark.parametrize("name", standalone_names("numpy"))
def test_numpy_block_with_its_header_runs_alone_and_its_code_never_uses_the_package(name):
    source = standalone_source(name)
    header = proof_header(name)
    assert source.startswith(header) and header.startswith("# SPDX-License-Identifier: ")
    assert "lossviz" not in source.removeprefix(header)  # only the header says where it comes from
    assert run_alone(source, source.split("\n\n\ndef ")[-1].split("(")[0], []) == []


def test_alias_gives_its_targets_block():
    assert standalone_source("mse") == standalone_source("mean_squared_error")
    assert standalone_source("bce") == standalone_source("binary_crossentropy")


def test_block_computes_what_the_library_computes():
    y_true = np.array([[0.0, 1.0, 2.0], [1.5, -1.0, 0.0]])
    y_pred = np.array([[0.5, 1.0, 4.0], [1.0, 1.0, 0.25]])
    (alone,) = run_alone(standalone_source("huber"), "huber", [((y_true, y_pred), {"delta": 1.5})])
    np.testing.assert_array_equal(alone, lossviz.losses.huber(y_true, y_pred, delta=1.5))


def test_unknown_name_suggests_close_names():
    with pytest.raises(
        ValueError, match=r"Invalid value for argument `name`\..*Did you mean 'huber'.*Received: name='hubr'"
    ):
        standalone_source("hubr")


def test_unknown_flavor_is_refused():
    with pytest.raises(ValueError, match=r"argument `flavor`.*Received: flavor='torch'"):
        standalone_source("huber", flavor="torch")


def test_code_lines_skips_docstrings_comments_and_blank_lines():
    source = 'import numpy as np\n\n\ndef f(x):\n    """Doc.\n\n    More.\n    """\n    # why\n    return (x +\n            1)\n'
    assert code_lines(source) == 4


# Loss blocks: short, equal to the library and to Keras on every shared case.

from pathlib import Path  # noqa: E402

from lossviz.standalone import LINE_LIMIT, SHORT_LOSSES, length_table  # noqa: E402

SNIPPETS_PAGE = (Path(__file__).resolve().parent.parent / "docs" / "snippets.md").read_text()


@pytest.mark.parametrize("name", SHORT_LOSSES)
def test_common_loss_blocks_are_at_most_40_code_lines(name):
    assert code_lines(standalone_source(name)) <= LINE_LIMIT == 40


def test_snippets_page_table_is_the_generated_one():
    block = SNIPPETS_PAGE.split("<!-- snippet-lengths:start -->\n", 1)[1].split("<!-- snippet-lengths:end -->", 1)[0]
    assert block == length_table(), "docs/snippets.md table out of date: run .venv/bin/python tools/snippets.py"
    assert all(f"`{name}`" in block for name in standalone_names("numpy"))


def _loss_calls(name):
    """(args, kwargs, keras_kwargs, spec) for every shared case of a loss, in float64 and float32."""
    from test_losses import OWN_SPECS, SPECS

    found = [(case, kwargs, spec) for spec in SPECS if spec.name == name for kwargs in spec.grid for case in spec.cases]
    # Keras lacks these: compared with the library only.
    found += [
        (case, kwargs, None) for spec in OWN_SPECS if spec.name == name for kwargs in spec.grid for case in spec.cases
    ]
    assert found, f"{name} has no Spec in tests/test_losses.py"
    calls = []
    for case, kwargs, spec in found:
        for dtype in (np.float64, np.float32):
            calls.append(((case.values[0].astype(dtype), case.values[1].astype(dtype)), kwargs, spec))
    return calls


@pytest.mark.keras
@pytest.mark.parametrize("name", sorted(lossviz.losses.LOSSES))
def test_numpy_loss_block_alone_equals_the_library_and_keras(name):
    import warnings

    from test_losses import keras_value_and_gradient

    calls = _loss_calls(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        results = run_alone(standalone_source(name), name, [(args, kwargs) for args, kwargs, _ in calls])
        for (args, kwargs, spec), result in zip(calls, results):
            expected = lossviz.losses.get(name)(*args, **kwargs)
            assert result.dtype == expected.dtype == args[1].dtype
            np.testing.assert_array_equal(result, expected)
            if spec is not None and args[1].dtype == np.float64:
                keras_value, _ = keras_value_and_gradient(name, *args, spec.to_keras_kwargs(kwargs))
                np.testing.assert_allclose(result, keras_value, rtol=spec.rtol, atol=spec.atol)


def test_notebook_00_pastes_the_current_huber_block():
    """The cell of notebook 00 that pastes standalone_source("huber") holds it verbatim."""
    notebook = (Path(__file__).resolve().parent.parent / "notebooks" / "00_start_here.py").read_text()
    assert standalone_source("huber").rstrip() in notebook


# Snippets never grow: tests/data/snippet_lines.json holds the line count of every block
# as the code before the registries (issue 25) produced it. A new loss or metric adds
# blocks, which are not in it; a block of the baseline never disappears or grows.

import json  # noqa: E402

SNIPPET_LINES = json.loads((Path(__file__).resolve().parent / "data" / "snippet_lines.json").read_text())


@pytest.mark.parametrize("key", sorted(SNIPPET_LINES))
def test_block_is_no_longer_than_its_baseline(key):
    flavor, name = key.split(":")
    assert name in standalone_names(flavor), f"{key} is in tests/data/snippet_lines.json but no longer a snippet"
    # The baseline's blocks opened with one comment line where the proof header now stands.
    header_lines = proof_header(name, flavor).count("\n")
    lines = standalone_source(name, flavor).count("\n") - header_lines + 1
    assert lines <= SNIPPET_LINES[key], f"{key}: {lines} lines, {SNIPPET_LINES[key]} before"


# Validators return what they checked, converted once; a block writes the plain conversion.


def test_assigned_validator_becomes_its_plain_conversion():
    block = standalone_source("categorical_hinge")
    assert "    y_true, y_pred = as_float_pair(y_true, y_pred)\n" in block
    assert "check_pair" not in block and "class_axis" not in block and "returns_like" not in block
    assert block.count("def as_float_pair(") == 1


def test_no_loss_converts_its_input_twice():
    import ast
    import inspect

    for name, function in lossviz.losses.LOSSES.items():
        tree = ast.parse(inspect.getsource(function))
        called = {
            node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert "as_float_pair" not in called, f"{name} converts what its validator returned"


@pytest.mark.parametrize(
    ("y_true", "y_pred"),
    [
        ([[1, 2]], [[0.5, 1.5]]),
        (np.arange(3), np.ones((3, 1), np.float32)),
        (np.ones((2, 3, 1)), np.zeros((2, 3))),
        ([[1.0]], [[2]]),
        (np.ones((2, 2), np.float32), np.ones((2, 2), np.float16)),
    ],
)
def test_check_pair_returns_what_as_float_pair_gives(y_true, y_pred):
    from lossviz.losses._common import as_float_pair, check_pair

    for checked, plain in zip(check_pair(y_true, y_pred), as_float_pair(y_true, y_pred), strict=True):
        assert checked.dtype == plain.dtype and checked.shape == plain.shape
        np.testing.assert_array_equal(checked, plain)
