"""Make ``vpm`` importable from the source tree when the package is not installed."""

import sys
from pathlib import Path

try:  # pragma: no cover - depends on how the venv was built
    import vpm  # noqa: F401
except ImportError:  # pragma: no cover
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
