"""`make lab` serves the notebooks (started headless on a free port, then stopped)."""

import pytest

from lab_server import running_lab


@pytest.mark.slow
def test_make_lab_serves_the_start_here_notebook(tmp_path):
    with running_lab(tmp_path) as lab:
        assert lab.get("/lab") == 200
        assert lab.get("/lab/tree/00_start_here.ipynb") == 200
        assert lab.get("/api/contents/00_start_here.ipynb") == 200
        assert lab.get("/api/contents/no_such_notebook.ipynb") == 404
        # The widget front ends the explorers need are installed as prebuilt extensions.
        extensions = {ext["name"]: ext for ext in lab.get_json("/lab/api/extensions")}
        for name in ("jupyter-matplotlib", "jupyter-widgets-jupyterlab-manager"):
            assert name in extensions and extensions[name]["enabled"], f"{name} missing: {sorted(extensions)}"
    assert lab.process.poll() is not None, "JupyterLab is still running after the test"


def test_set_up_venv_is_not_reinstalled():
    """Once `make test` has set up .venv, the install stamps are up to date (no reinstall)."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for stamp in (".venv/.stamp-dev", ".venv/.stamp-run"):
        question = subprocess.run(["make", "--question", stamp], cwd=root)
        assert question.returncode == 0, f"make would rebuild {stamp}"
    dry_run = subprocess.run(["make", "--dry-run", "lab"], cwd=root, capture_output=True, text=True)
    assert "pip install" not in dry_run.stdout
    assert "jupyter lab" in dry_run.stdout and "00_start_here.ipynb" in dry_run.stdout
