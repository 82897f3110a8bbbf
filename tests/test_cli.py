"""The `skranke` console command wraps Django's management commands."""

import os
import shutil
import subprocess
import sys
from pathlib import Path


def test_skranke_command_runs_django_checks(tmp_path):
    skranke = shutil.which("skranke") or str(Path(sys.executable).parent / "skranke")
    env = {**os.environ, "DEBUG": "1", "SKRANKE_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run([skranke, "check"], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
