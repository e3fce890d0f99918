"""`make lab` serves the notebooks (started headless on a free port, then stopped)."""

import pytest

from lab_server import running_lab


@pytest.mark.slow
@pytest.mark.kernel
def test_make_lab_serves_the_start_here_notebook(tmp_path, monkeypatch):
    # A user settings directory of our own: what JupyterLab reports below is then the
    # project's shipped defaults, and we can see that nothing was written into it.
    user_settings = tmp_path / "user-settings"
    user_settings.mkdir()
    monkeypatch.setenv("JUPYTERLAB_SETTINGS_DIR", str(user_settings))
    monkeypatch.setenv("JUPYTERLAB_WORKSPACES_DIR", str(tmp_path / "workspaces"))
    with running_lab(tmp_path) as lab:
        assert lab.get("/lab") == 200
        assert lab.get("/lab/tree/00_start_here.ipynb") == 200
        assert lab.get("/api/contents/00_start_here.ipynb") == 200
        assert lab.get("/api/contents/no_such_notebook.ipynb") == 404
        # The widget front ends the explorers need are installed as prebuilt extensions.
        extensions = {ext["name"]: ext for ext in lab.get_json("/lab/api/extensions")}
        for name in ("jupyter-matplotlib", "jupyter-widgets-jupyterlab-manager"):
            assert name in extensions and extensions[name]["enabled"], f"{name} missing: {sorted(extensions)}"
        # No "Would you like to get notified about official Jupyter news?" on first launch:
        # the default comes from binder/jupyterlab-overrides.json, which `make lab` puts in
        # the venv's JupyterLab settings (a user's own settings would still win).
        notification = lab.get_json("/lab/api/settings/@jupyterlab/apputils-extension:notification")
        defaults = {name: spec.get("default") for name, spec in notification["schema"]["properties"].items()}
        assert defaults["fetchNews"] == "false", defaults
        assert defaults["checkForUpdates"] is False, defaults
        assert not notification["settings"], "the value must come from the shipped defaults, not user settings"
    assert lab.process.poll() is not None, "JupyterLab is still running after the test"
    assert not any(user_settings.rglob("*")), "make lab wrote into the user's settings"


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
