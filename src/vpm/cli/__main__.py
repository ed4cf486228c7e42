"""``python -m vpm.cli``: the same command as ``vpm``."""

from vpm.cli import main

main()
