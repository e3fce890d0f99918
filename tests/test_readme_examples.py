"""The README's three examples run as a reader would paste them, each in a fresh
interpreter started outside the repository (the explorer's on matplotlib's Agg backend).

Separate from tests/test_readme.py: these import Keras and matplotlib, that file reads text.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECTION = (ROOT / "README.md").read_text().split("\n## Three examples\n", 1)[1].split("\n## ", 1)[0]
# Each example runs in a fresh interpreter that imports Keras (the guard of `make check`
# cannot see into it).
pytestmark = [pytest.mark.keras, pytest.mark.slow]

EXAMPLES = re.findall(r"```python\n(.*?)```", SECTION, re.S)


@pytest.mark.parametrize("example", EXAMPLES, ids=["explorer", "twin beside keras", "standalone_source"])
def test_readme_example_runs(example, tmp_path):
    env = {
        **os.environ,
        "MPLBACKEND": "Agg",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    completed = subprocess.run(
        [sys.executable, "-c", example], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    # A printed value the README states in a comment ("print(x)  # 0.5") is what prints.
    promised = re.findall(r"^print\(.*#\s*(\[[^\]]*\]|-?\d[\d.]*)\s*$", example, re.M)
    for value in promised:
        assert value in completed.stdout, f"README promises {value}; printed {completed.stdout!r}"
