"""Operations log to a file as well as the terminal, with timings."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import click


def _logger(log_dir: Path) -> logging.Logger:
    log_dir.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger("vpm.ops")
    path = str(log_dir / "operations.log")
    if not any(isinstance(h, logging.FileHandler) and h.baseFilename == path for h in logger.handlers):
        handler = logging.FileHandler(path)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


class OpLog:
    def __init__(self, log_dir: Path, echo: bool = True) -> None:
        self.logger = _logger(log_dir)
        self.echo = echo
        self.path = log_dir / "operations.log"

    def info(self, message: str) -> None:
        self.logger.info(message)
        if self.echo:
            click.echo(message)

    def warn(self, message: str) -> None:
        self.logger.warning(message)
        if self.echo:
            click.echo(f"warning: {message}", err=True)

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        self.info(f"{name} ...")
        try:
            yield
        except BaseException as exc:
            self.logger.error("%s failed after %.2fs: %s", name, time.perf_counter() - started, exc)
            raise
        self.info(f"{name} done in {time.perf_counter() - started:.2f}s")
