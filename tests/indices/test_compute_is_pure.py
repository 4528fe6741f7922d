"""The computation modules stay pure: importing them loads no Django (CONVENTIONS, habit 4)."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "module",
    ["indices.compute", "indices.apportion", "indices.eligibility", "positions.execution"],
)
def test_importing_a_computation_module_loads_no_django_module(module):
    code = (
        f"import sys, {module}; "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'django'); "
        "print(loaded); assert not loaded"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
