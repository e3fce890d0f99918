"""standalone_source: every block runs by itself and computes what the library computes."""

from __future__ import annotations

import pickle
import subprocess
import sys

import numpy as np
import pytest

import lossviz
from lossviz.standalone import code_lines, standalone_names, standalone_source

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
def test_numpy_block_runs_alone_and_never_mentions_the_package(name):
    source = standalone_source(name)
    assert "lossviz" not in source
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
    with pytest.raises(ValueError, match=r"Invalid value for argument `name`\..*Did you mean 'huber'.*Received: name='hubr'"):
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

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


@pytest.mark.parametrize("name", SHORT_LOSSES)
def test_common_loss_blocks_are_at_most_40_code_lines(name):
    assert code_lines(standalone_source(name)) <= LINE_LIMIT == 40


def test_readme_table_is_the_generated_one():
    block = README.split("<!-- snippet-lengths:start -->\n", 1)[1].split("<!-- snippet-lengths:end -->", 1)[0]
    assert block == length_table(), "README table out of date: run .venv/bin/python tools/snippets.py"
    assert all(f"`{name}`" in block for name in standalone_names("numpy"))


def _loss_calls(name):
    """(args, kwargs, keras_kwargs, spec) for every shared case of a loss, in float64 and float32."""
    from test_losses import SPECS

    if name in ("pseudo_huber", "general_robust"):
        grid = [{}, {"delta": 0.5}] if name == "pseudo_huber" else [{}, {"alpha": -2.0, "scale": 0.5}, {"alpha": 0.0}]
        found = [(case, kwargs, None) for case in SPECS[0].cases for kwargs in grid]
    else:
        found = [(case, kwargs, spec) for spec in SPECS if spec.name == name for kwargs in spec.grid for case in spec.cases]
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
