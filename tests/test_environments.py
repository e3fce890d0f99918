"""pyproject.toml, environment.yml and binder/ must describe the same dependencies.

No conda or Docker engine runs here, so instead of building those environments we parse
their files, and we run binder/postBuild's installation step in a fresh virtual environment.
"""

import os
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def _key(requirement: Requirement) -> tuple[str, str, str]:
    return (requirement.name.lower().replace("_", "-"), str(requirement.specifier), str(requirement.marker or ""))


def pyproject_requirements() -> set[tuple[str, str, str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {_key(Requirement(line)) for line in project["dependencies"]}


def binder_requirements() -> set[tuple[str, str, str]]:
    lines = (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    return {_key(Requirement(line)) for line in lines if line.strip() and not line.startswith("#")}


def conda_requirements() -> set[tuple[str, str, str]]:
    spec = yaml.safe_load((ROOT / "environment.yml").read_text())
    found = set()
    for entry in spec["dependencies"]:
        if isinstance(entry, dict):
            found |= {_key(Requirement(line)) for line in entry["pip"] if not line.startswith("-e")}
        elif not entry.startswith(("python=", "python>", "pip")) or entry.startswith("pip "):
            # conda's "name>=1,<2" parses as a PEP 508 requirement too.
            found.add(_key(Requirement(entry)))
    return found


def test_binder_lists_exactly_the_runtime_dependencies():
    assert binder_requirements() == pyproject_requirements()


def test_environment_yml_lists_exactly_the_runtime_dependencies():
    spec = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in spec["channels"]
    requires_python = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert f"python{requires_python}" in spec["dependencies"]
    assert conda_requirements() == pyproject_requirements()


def test_binder_python_is_one_that_pyproject_allows():
    from packaging.specifiers import SpecifierSet

    requires_python = SpecifierSet(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"])
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert runtime.startswith("python-") and runtime.removeprefix("python-") in requires_python


def test_linux_gets_the_cpu_build_of_tensorflow():
    linux = {"sys_platform": "linux", "platform_machine": "x86_64"}
    chosen = {
        name
        for name, _, marker in pyproject_requirements()
        if name.startswith("tensorflow") and (not marker or Requirement(f"x; {marker}").marker.evaluate(linux))
    }
    assert chosen == {"tensorflow-cpu"}


def test_the_drift_check_itself_notices_a_difference(tmp_path, monkeypatch):
    edited = tmp_path / "binder" / "requirements.txt"
    edited.parent.mkdir()
    edited.write_text((ROOT / "binder" / "requirements.txt").read_text().replace("keras>=3.15,<3.16", "keras>=3.0"))
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert ("keras", "<3.16,>=3.15", "") not in binder_requirements()


@pytest.mark.slow
def test_binder_postbuild_installs_the_package(tmp_path):
    """Run postBuild in a fresh venv that sees this venv's dependencies but not lossviz."""
    env_dir = tmp_path / "binder-env"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # The dependencies come from the project's .venv (as repo2docker would have installed
    # binder/requirements.txt); lossviz itself must come from postBuild.
    deps = [p for p in sys.path if p.endswith("site-packages")]
    Path(site, "project_deps.pth").write_text("\n".join(deps) + "\n")
    source = tmp_path / "repo"
    shutil.copytree(
        ROOT, source, ignore=shutil.ignore_patterns(".venv", ".git", "test-artifacts", "*.egg-info", "build", "site")
    )
    env = {**os.environ, "PATH": f"{env_dir / 'bin'}:{os.environ['PATH']}", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONPATH", None)
    subprocess.run(["bash", "binder/postBuild"], cwd=source, env=env, check=True, capture_output=True)
    where = subprocess.run(
        [
            python,
            "-c",
            "import lossviz, lossviz.losses, lossviz.metrics, sys; print(lossviz.__file__); print('keras' in sys.modules)",
        ],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert where[0].startswith(site), f"lossviz was imported from {where[0]}, not from the Binder env"
    assert where[1] == "False"
    # postBuild also ships the project's JupyterLab defaults (no news prompt) into the env.
    overrides = env_dir / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "lossviz.json"
    assert overrides.read_text() == (ROOT / "binder" / "jupyterlab-overrides.json").read_text()
