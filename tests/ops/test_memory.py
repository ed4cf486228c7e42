"""The memory guard: heavy commands refuse, with both numbers and the way out, and write nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.ops.helpers import all_rows, invoke, run_cli, schema_of

HUGE = str(10**9)  # MB kept free: more than any machine has


def _refused(output: str, work: str) -> None:
    m = re.search(rf"not enough free memory for {work}: (\d+) MB available, (\d+) MB needed", output)
    assert m, output
    assert int(m.group(1)) < int(m.group(2))
    assert "--ignore-memory-check" in output and "Traceback" not in output


def test_upgrade_refuses_and_applies_nothing(scratch, home):  # type: ignore[no-untyped-def]
    url = scratch.new("sqlite")
    result = run_cli(["db", "upgrade"], url, home, VPM_MIN_FREE_MB=HUGE)
    assert result.returncode == 1
    _refused(result.stderr, "upgrade")
    assert schema_of(url)["__revision__"] is None
    ok = invoke(["db", "upgrade", "--ignore-memory-check"], url, home, VPM_MIN_FREE_MB=HUGE)
    assert ok.exit_code == 0, ok.output
    assert schema_of(url)["__revision__"] is not None


def test_seed_backup_and_restore_refuse(db_url, scratch, home, tmp_path):  # type: ignore[no-untyped-def]
    backend = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    empty = scratch.migrated(backend)
    before = all_rows(empty)
    seed = invoke(["seed", "--only", "formats"], empty, home, VPM_MIN_FREE_MB=HUGE)
    assert seed.exit_code == 1
    _refused(seed.output, "seed")
    assert all_rows(empty) == before

    backup = invoke(["db", "backup", str(tmp_path / "b")], db_url, home, VPM_MIN_FREE_MB=HUGE)
    assert backup.exit_code == 1
    _refused(backup.output, "backup")
    assert not (tmp_path / "b").exists()

    assert invoke(["db", "backup", str(tmp_path / "b")], db_url, home).exit_code == 0
    restore = invoke(["db", "restore", str(tmp_path / "b")], empty, home, VPM_MIN_FREE_MB=HUGE)
    assert restore.exit_code == 1
    _refused(restore.output, "restore")
    assert all_rows(empty) == before

    forced = invoke(["db", "restore", str(tmp_path / "b"), "--ignore-memory-check"], empty, home, VPM_MIN_FREE_MB=HUGE)
    assert forced.exit_code == 0, forced.output
    assert all_rows(empty) == all_rows(db_url)


def test_available_memory_is_read_from_the_system() -> None:
    import psutil

    from vpm.ops import memory

    available = memory.available_mb()
    assert 0 < available <= psutil.virtual_memory().total // (1024 * 1024)


def test_meminfo_and_cgroup_are_parsed(tmp_path: Path) -> None:
    from vpm.ops import memory

    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       16000000 kB\nMemFree:  100 kB\nMemAvailable:    2048000 kB\n")
    assert memory._meminfo_mb(meminfo) == 2000
    assert memory._meminfo_mb(tmp_path / "missing") is None
    (tmp_path / "memory.max").write_text("max\n")
    assert memory._cgroup_headroom_mb(tmp_path) is None
    (tmp_path / "memory.max").write_text(str(512 * 1024 * 1024))
    (tmp_path / "memory.current").write_text(str(412 * 1024 * 1024))
    assert memory._cgroup_headroom_mb(tmp_path) == 100


def test_threshold_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from vpm.ops import memory

    monkeypatch.delenv(memory.ENV_MIN_FREE, raising=False)
    assert memory.min_free_mb() == memory.DEFAULT_MIN_FREE_MB
    monkeypatch.setenv(memory.ENV_MIN_FREE, "0")
    assert memory.check("restore").ok
    monkeypatch.setenv(memory.ENV_MIN_FREE, "plenty")
    with pytest.raises(memory.NotEnoughMemory, match="not a whole number of megabytes"):
        memory.min_free_mb()
    monkeypatch.setenv(memory.ENV_MIN_FREE, HUGE)
    result = memory.check("bulk import")
    assert not result.ok and result.needed_mb == memory.ESTIMATES_MB["bulk import"] + 10**9
    assert not memory.guard("bulk import", ignore=True).ok  # ignored: reported, not raised
    with pytest.raises(memory.NotEnoughMemory):
        memory.guard("bulk import")
