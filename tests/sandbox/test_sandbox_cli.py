"""``stepforge sandbox``: info names the levels reached, build-image finds/builds the image offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "stepforge", "sandbox", *args], capture_output=True,
                          text=True, timeout=600, env=env)


def test_info_and_build_image():
    p = _cli("build-image")
    assert p.returncode == 0, p.stderr
    tag = p.stdout.strip().splitlines()[-1]
    assert tag.startswith("stepforge-sandbox:")
    p = _cli("info", "--docker")
    assert p.returncode == 0, p.stderr
    info = json.loads(p.stdout)
    assert info == {"local": "bwrap", "docker": tag}


def test_missing_action_is_one_line():
    p = _cli()
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "Traceback" not in p.stderr
