"""The package itself: a light import, a version, no heavy dependency at import time."""

import subprocess
import sys

import lossviz


def test_version_is_a_string():
    assert isinstance(lossviz.__version__, str) and lossviz.__version__.count(".") == 2


def test_import_does_not_load_tensorflow_keras_or_matplotlib():
    code = (
        "import sys, lossviz; heavy = sorted(m for m in ('tensorflow', 'keras', 'matplotlib', 'sklearn') "
        "if m in sys.modules); print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"import lossviz loaded {result.stdout.strip()}"
