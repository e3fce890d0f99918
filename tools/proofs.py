"""Write lossviz/proofs.json: what each block of ``standalone_source`` was tested equal to.

Every block carries a header (``lossviz.standalone.proof_header``) that says which test
runs it, what that test compares it with, the tolerance and the versions. This script
reads all of that from the tests themselves, never from prose:

- the test ids, from ``pytest --collect-only`` of the three files that prove blocks;
- the tolerances and the case counts, from those files' own parameters (the ``Spec``s of
  tests/test_losses.py, ``RTOL``/``ATOL`` of tests/test_keras_reference.py,
  ``KERAS_TOLERANCE``/``REFERENCE_TOLERANCE`` and ``reference_of`` of
  tests/test_standalone_metrics.py);
- the backends, from the Makefile: a file listed in ``BACKEND_TESTS`` runs on JAX too;
- the versions (major.minor), from the installed packages the tests run on.

The headers describe the cited tests' comparison statements (``COMPARES``): a test that
no longer compares as described (another tolerance written in, the library function
instead of the block) stops the build until its proof is revisited.

Run it after changing one of those tests, a loss or a metric, or the pinned versions:
``.venv/bin/python tools/proofs.py``. tests/test_proofs.py fails while the file and the
tests disagree (``--check`` prints the difference and exits with 1).
"""

from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROOFS = ROOT / "lossviz" / "proofs.json"
LOSS_TEST = "tests/test_standalone.py::test_numpy_loss_block_alone_equals_the_library_and_keras"
METRIC_TEST = "tests/test_standalone_metrics.py::test_block_alone_equals_the_library_and_the_reference"
KERAS_TEST = "tests/test_keras_reference.py::test_value_and_gradient_equal_the_keras_builtin"
KERAS_OWN_TEST = "tests/test_keras_reference.py::test_losses_keras_lacks_equal_the_numpy_twin"
KERAS_ALONE_TEST = "tests/test_keras_reference.py::test_every_keras_block_runs_alone"
FILES = sorted({test.split("::")[0] for test in (LOSS_TEST, METRIC_TEST, KERAS_TEST, KERAS_ALONE_TEST)})


def _version(*distributions: str) -> str:
    for distribution in distributions:
        try:
            return ".".join(metadata.version(distribution).split(".")[:2])
        except metadata.PackageNotFoundError:
            continue
    raise SystemExit(f"{' or '.join(distributions)} is not installed: the proofs name the versions tested")


def versions() -> dict[str, str]:
    return {
        "keras": _version("keras"),
        "tensorflow": _version("tensorflow", "tensorflow-cpu"),
        "jax": _version("jax"),
        "scikit-learn": _version("scikit-learn"),
    }


def license_id() -> str:
    """The SPDX identifier of pyproject.toml's ``license``."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]


def backend_test_files() -> set[str]:
    """The files of the Makefile's BACKEND_TESTS: they run on JAX as well."""
    makefile = (ROOT / "Makefile").read_text()
    block = re.search(r"^BACKEND_TESTS \?=((?:.*\\\n)*.*)$", makefile, re.M).group(1)
    return set(block.replace("\\\n", " ").split())


def collected_ids() -> list[str]:
    """Every test id pytest collects in the files that prove blocks."""
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *FILES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    ids = [line for line in completed.stdout.splitlines() if "::" in line]
    if completed.returncode != 0 or not ids:
        raise SystemExit(f"collecting {FILES} failed:\n{completed.stdout[-2000:]}\n{completed.stderr[-2000:]}")
    return ids


def _on(test: str, found: dict) -> str:
    """'Keras 3.15 on TensorFlow 2.21' (and JAX when the test's file runs there too)."""
    backends = [f"TensorFlow {found['versions']['tensorflow']}"]
    if test.split("::")[0] in found["backend_files"]:
        backends.append(f"JAX {found['versions']['jax']}")
    return f"Keras {found['versions']['keras']} on {' and '.join(backends)}"


def _matching(ids: list[str], test: str, pattern: str) -> list[str]:
    """The collected ids of ``test`` whose parameter id matches ``pattern`` (a regex)."""
    prefix = test + "["
    return [i for i in ids if i.startswith(prefix) and re.fullmatch(pattern, i[len(prefix) : -1])]


def _tolerance(rtol: float, atol: float, note: str = "") -> str:
    return f"rtol {rtol:g}, atol {atol:g}{note}"


def _keras_named(name: str, specs: list) -> str:
    """keras.losses.<name>, and how the test maps the arguments when it does (a Spec's
    ``to_keras_kwargs``, in its docstring's words): tversky's alpha and beta."""
    mappings = {spec.to_keras_kwargs for spec in specs} - {dict}
    if len(mappings) > 1:
        raise SystemExit(f"{name}: several to_keras_kwargs in tests/test_losses.py; the header names one")
    notes = [" ".join((mapping.__doc__ or mapping.__name__).split()).rstrip(".") for mapping in mappings]
    return f"keras.losses.{name}" + "".join(f" with the arguments mapped ({note})" for note in notes)


def _input_dtype(specs: list) -> str:
    """The dtype of the predictions of every case of ``specs`` (one, or the build stops)."""
    import numpy as np

    dtypes = {str(np.asarray(case.values[1]).dtype) for spec in specs for case in spec.cases}
    if len(dtypes) != 1:
        raise SystemExit(f"{specs[0].name}: cases of several dtypes {dtypes}; the header names one")
    return dtypes.pop()


def numpy_loss_proof(name: str, found: dict) -> dict:
    import test_losses

    specs = [spec for spec in test_losses.SPECS if spec.name == name]
    own = [spec for spec in test_losses.OWN_SPECS if spec.name == name]
    ids = _matching(found["ids"], LOSS_TEST, re.escape(name))
    claims = []
    if specs:
        claims.append(
            {
                "against": _keras_named(name, specs),
                "on": _on(LOSS_TEST, found),
                "how": _tolerance(max(s.rtol for s in specs), max(s.atol for s in specs), ", in float64"),
                "cases": sum(len(s.grid) * len(s.cases) for s in specs),
            }
        )
    library_cases = 2 * sum(len(s.grid) * len(s.cases) for s in specs + own)
    claims.append(
        {
            "against": f"lossviz.losses.{name}",
            "on": "",
            "how": "identical, in float64 and float32",
            "cases": library_cases,
        }
    )
    if len(ids) != 1:
        raise SystemExit(f"{LOSS_TEST}[{name}] is not collected: {ids}")
    return {"test": ids[0], "alone": "", "claims": claims}


def keras_loss_proof(name: str, found: dict) -> dict:
    import test_keras_reference
    import test_losses

    rtol, atol = test_keras_reference.RTOL, test_keras_reference.ATOL
    specs = [spec for spec in test_losses.SPECS if spec.name == name]
    if specs:
        # atol_for: the larger of ATOL and EPS_MULTIPLE eps of the dtype Keras computed in.
        tolerance = (
            f"rtol {rtol:g}, atol max({atol:g}, {test_keras_reference.EPS_MULTIPLE} eps of Keras's dtype), "
            f"on {_input_dtype(specs)} input"
        )
        test, against, on = KERAS_TEST, _keras_named(name, specs), _on(KERAS_TEST, found)
    else:
        tolerance = _tolerance(rtol, atol)
        test, against, on = KERAS_OWN_TEST, f"lossviz.losses.{name} (Keras has no {name})", _on(KERAS_OWN_TEST, found)
    ids = _matching(found["ids"], test, re.escape(name) + r"\[.*")
    if not ids or KERAS_ALONE_TEST not in found["ids"]:
        raise SystemExit(f"{test}[{name}...] or {KERAS_ALONE_TEST} is not collected")
    claims = [{"against": against + ", value and gradient", "on": on, "how": tolerance, "cases": len(ids)}]
    return {"test": f"{test}[{name}[*]-*]", "alone": KERAS_ALONE_TEST, "claims": claims}


def metric_proof(name: str, found: dict) -> dict:
    import test_standalone_metrics as module

    groups: dict[str, dict] = {}
    for _, kwargs in module.CASES[name].values():
        label, _ = module.reference_of(name, kwargs)
        keras = label.startswith("keras.")
        tolerance = module.KERAS_TOLERANCE if keras else module.REFERENCE_TOLERANCE
        on = _on(METRIC_TEST, found) if keras else f"scikit-learn {found['versions']['scikit-learn']}"
        claim = groups.setdefault(
            label,
            {"against": label, "on": on if "sklearn" in label or keras else "", "how": _tolerance(**tolerance)},
        )
        claim["cases"] = claim.get("cases", 0) + 1
    ids = _matching(found["ids"], METRIC_TEST, re.escape(name) + "-.*")
    if len(ids) != len(module.CASES[name]):
        raise SystemExit(f"{METRIC_TEST}[{name}-...]: {len(ids)} collected, {len(module.CASES[name])} cases")
    return {"test": f"{METRIC_TEST}[{name}-*]", "alone": "", "claims": list(groups.values())}


#: How each cited test compares, as its source says it: the header describes these
#: statements (a tolerance read from a parameter above), so a test that compares
#: otherwise makes build() fail until the proof is revisited.
COMPARES = {
    LOSS_TEST: [
        "np.testing.assert_array_equal(result, expected)",
        "assert result.dtype == expected.dtype == args[1].dtype",
        "if spec is not None and args[1].dtype == np.float64:",
        "np.testing.assert_allclose(result, keras_value, rtol=spec.rtol, atol=spec.atol)",
        "run_alone(standalone_source(name), name,",
    ],
    KERAS_TEST: [
        "np.testing.assert_allclose(value, expected_value, rtol=RTOL, atol=atol_for(expected_value))",
        "np.testing.assert_allclose(gradient, expected_gradient, rtol=RTOL, atol=atol_for(expected_gradient))",
        "keras_and_reference(spec, kwargs, case)",
    ],
    KERAS_OWN_TEST: [
        "value_and_gradient(block(name), y_true, y_pred, kwargs)",
        "np.testing.assert_allclose(value, losses.get(name)(y_true, y_pred, **kwargs), rtol=RTOL, atol=ATOL)",
        "np.testing.assert_allclose(gradient.reshape(expected_gradient.shape), expected_gradient, rtol=RTOL, atol=ATOL)",
    ],
    METRIC_TEST: [
        "alone = alone_results(name)[case]",
        'assert_equal(alone, library, context=f"{name}[{case}] alone vs library")',
        "if _reference_is_keras(name, case):",
        "assert_equal(library, expected, **KERAS_TOLERANCE,",
        "assert_equal(library, expected, **REFERENCE_TOLERANCE,",
    ],
    "tests/test_keras_reference.py::atol_for": [
        "return max(ATOL, EPS_MULTIPLE * float(np.finfo(np.asarray(values).dtype).eps))"
    ],
    "tests/test_keras_reference.py::keras_and_reference": ["block(spec.name)"],
    "tests/test_keras_reference.py::_jax_group": ["(block(spec.name), kwargs)"],
}


def check_comparisons() -> None:
    """Fail when a cited test no longer compares the way its proof says."""
    import importlib
    import inspect

    for test, statements in COMPARES.items():
        path, function = test.split("::")
        source = " ".join(inspect.getsource(getattr(importlib.import_module(Path(path).stem), function)).split())
        missing = [statement for statement in statements if " ".join(statement.split()) not in source]
        if missing:
            raise SystemExit(f"{test} no longer holds {missing}: update its proof in tools/proofs.py")


def found() -> dict:
    """What the proofs are read from besides the test modules: the collected test ids,
    the installed versions and the files that run on JAX too."""
    return {"ids": collected_ids(), "versions": versions(), "backend_files": backend_test_files()}


def build(found: dict) -> dict:
    """The content of lossviz/proofs.json, from the tests' parameters and ``found``."""
    for path in (str(ROOT), str(ROOT / "tests")):
        if path not in sys.path:
            sys.path.insert(0, path)
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import lossviz
    from lossviz.standalone import _public

    check_comparisons()
    blocks = {}
    for flavor in ("numpy", "keras"):
        for module, function in sorted(set(_public(flavor).values()), key=lambda pair: pair[1]):
            if flavor == "keras":
                blocks[f"keras:{function}"] = keras_loss_proof(function, found)
            elif module.startswith("lossviz.losses"):
                blocks[f"numpy:{function}"] = numpy_loss_proof(function, found)
            else:
                blocks[f"numpy:{function}"] = metric_proof(function, found)
    return {"license": license_id(), "lossviz": lossviz.__version__, "versions": found["versions"], "blocks": blocks}


def render(proofs: dict) -> str:
    return json.dumps(proofs, indent=1, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    text = render(build(found()))
    if "--check" in argv:
        current = PROOFS.read_text() if PROOFS.exists() else ""
        if current != text:
            sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), text.splitlines(True), "old", "new"))
            print("lossviz/proofs.json disagrees with the tests: run .venv/bin/python tools/proofs.py")
            return 1
        return 0
    PROOFS.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
