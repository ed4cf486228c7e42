"""Dependencies point down: the domain never names the services or the web; hooks are attached by services."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "vpm"


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside functions ("module:Class" strings count too)."""
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.startswith("vpm.")
            and ":" in node.value
            and " " not in node.value
        ):
            names.add(node.value.partition(":")[0])
    return names


@pytest.mark.parametrize(
    "layer,forbidden",
    [("domain", ("vpm.services", "vpm.web", "vpm.cli")), ("calc", ("vpm",)), ("services", ("vpm.web", "vpm.cli"))],
)
def test_layer_names_nothing_above_it(layer: str, forbidden: tuple[str, ...]) -> None:
    offenders = []
    for path in sorted((SRC / layer).rglob("*.py")):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                offenders.append(f"{path.relative_to(SRC)}: {name}")
    assert not offenders, offenders


def test_every_entity_gets_the_services_hooks() -> None:
    import vpm.domain.entities  # noqa: F401
    import vpm.services  # noqa: F401
    from vpm.domain.registry import REGISTRY, Hooks
    from vpm.services.hook_table import HOOKS
    from vpm.services.hooks.devices import DeviceHooks

    for spec in REGISTRY:
        hooks = spec.hooks
        assert isinstance(hooks, Hooks)
        if spec.slug in HOOKS:
            assert hooks is HOOKS[spec.slug]
        elif spec.kind is not None:
            assert isinstance(hooks, DeviceHooks), spec.slug
    assert set(HOOKS) <= {spec.slug for spec in REGISTRY}


def test_a_device_kind_registered_later_gets_device_hooks() -> None:
    import vpm.services  # noqa: F401
    from vpm.domain.devices import Router
    from vpm.domain.registry import REGISTRY, EntitySpec
    from vpm.services.hooks.devices import DeviceHooks

    spec = EntitySpec(
        slug="zz-probe-kind",
        model=Router,
        label="Probe",
        plural="Probes",
        group="Signal flow",
        scope="production",
        event_type="zz_probe",
        kind="zz_probe",
    )
    assert isinstance(REGISTRY.hooks_for(spec), DeviceHooks)
