"""The data browser (mounted by ``install``)."""

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    """Mount the read-mostly data browser on ``app``."""
