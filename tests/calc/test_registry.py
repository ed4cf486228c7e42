"""CalcError and the plain description of every calculator."""

import dataclasses
import inspect
import pickle

import pytest

from vpm.calc import CalcError
from vpm.calc import registry

SIMPLE = {"int", "float", "str", "bool"}


def test_calc_error_carries_field_and_reason():
    err = CalcError("rate", "must be greater than 0")
    assert isinstance(err, ValueError)
    assert (err.field, err.reason) == ("rate", "must be greater than 0")
    assert str(err) == "rate: must be greater than 0"
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.field, copy.reason) == ("rate", "must be greater than 0")


def test_every_calculator_is_described():
    names = registry.calculator_names()
    assert len(names) == len(set(names)) >= 40
    for described in registry.describe_all():
        assert described["summary"], described["name"]
        for param in described["parameters"]:
            assert param["name"] and param["type"], described["name"]


def test_calculator_parameters_are_simple_types():
    for name in registry.calculator_names():
        for param in registry.describe(name)["parameters"]:
            parts = {p.strip() for p in param["type"].replace("tuple[float, ...]", "float").split("|")}
            parts -= {"None"}
            assert parts <= SIMPLE | {
                "list[float]",
                "Iterable[int]",
                "Iterable[tuple]",
                "Iterable[Iterable[int]]",
                "Iterable[tuple[str, float, float]]",
            }, (name, param)


def test_every_calculator_has_a_docstring_and_returns_plain_data():
    for name in registry.calculator_names():
        func = registry.get_calculator(name)
        assert inspect.getdoc(func)
    result = registry.get_calculator("led_wall")(
        tile_px_w=128,
        tile_px_h=256,
        tile_w_mm=500,
        tile_h_mm=1000,
        tile_weight_kg=12.5,
        tile_power_max_w=360,
        columns=2,
        rows=2,
    )
    assert dataclasses.is_dataclass(result) and dataclasses.asdict(result)["pixels_w"] == 256
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.pixels_w = 1


def test_unknown_calculator():
    with pytest.raises(KeyError):
        registry.describe("no_such_calc")


def _zero_kwargs(name):
    kwargs = {}
    for param in registry.describe(name)["parameters"]:
        kind = param["type"]
        if kind.startswith("int") or kind.startswith("float"):
            kwargs[param["name"]] = 0
        elif kind.startswith("str"):
            kwargs[param["name"]] = ""
        elif kind == "bool":
            kwargs[param["name"]] = False
        elif param["required"]:
            kwargs[param["name"]] = []
    return kwargs


@pytest.mark.parametrize("name", registry.calculator_names())
def test_all_zero_input_never_divides_by_zero(name):
    """Zeros, empty text and empty lists give a result or a CalcError naming a real argument."""
    kwargs = _zero_kwargs(name)
    try:
        registry.get_calculator(name)(**kwargs)
    except CalcError as err:
        assert err.field in kwargs or err.field in {p["name"] for p in registry.describe(name)["parameters"]}


def _has_numeric_argument(name):
    return any(p["type"].startswith(("int", "float")) for p in registry.describe(name)["parameters"])


@pytest.mark.parametrize("name", [n for n in registry.calculator_names() if _has_numeric_argument(n)])
def test_nan_input_is_rejected(name):
    """A NaN in the first numeric argument raises CalcError naming that argument."""
    params = registry.describe(name)["parameters"]
    numeric = [p for p in params if p["type"].startswith(("int", "float"))]
    kwargs = {p["name"]: (p["default"] if not p["required"] else 1) for p in params if p["type"] != "bool"}
    for p in params:
        if p["required"] and p["type"].startswith("str"):
            kwargs[p["name"]] = "1920 x 1080 @ 60" if p["name"] == "text" else "rows"
        if p["required"] and not p["type"].startswith(("int", "float", "str", "bool")):
            kwargs[p["name"]] = []
    target = numeric[0]["name"]
    kwargs[target] = float("nan")
    with pytest.raises(CalcError) as err:
        registry.get_calculator(name)(**kwargs)
    assert err.value.field == target
