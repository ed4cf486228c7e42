"""Natural sort and port codes: pure functions every list, sheet and import uses."""

from __future__ import annotations

import random

import pytest

from vpm.domain.naming import natural_key, parse_port_code, port_code


def test_natural_key_orders_numbers_by_value() -> None:
    labels = ["SRC 11", "SRC 2", "src 1", "SRC 10", "CAM 3", "SRC 2a", None, "IN 5.10", "IN 5.3", "E2 ID.0"]
    shuffled = labels[:]
    random.Random(4).shuffle(shuffled)
    got = sorted(shuffled, key=natural_key)
    assert got == [None, "CAM 3", "E2 ID.0", "IN 5.3", "IN 5.10", "src 1", "SRC 2", "SRC 2a", "SRC 10", "SRC 11"]


def test_natural_key_mixed_text_and_numbers_never_compare_types() -> None:
    # "10" vs "A": a number chunk and a text chunk at the same place must still be comparable
    assert sorted(["A", "10", "2", "", " b "], key=natural_key) == ["", "2", "10", "A", " b "]
    assert natural_key("SRC  2") == natural_key(" src 2 ")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("in", 27, 5, 3), "IN 5.3"),
        (("out", 9, 2, 1), "OUT 2.1"),
        (("in", 3, None, None), "IN 3"),
        (("out", 12, None, None), "OUT 12"),
        (("in", 7, None, None, True), "line 7"),
        (("out", 7, 3, 1, True), "line 7"),
    ],
)
def test_port_code(args: tuple, code: str) -> None:
    assert port_code(*args) == code


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("IN 5.3", ("in", 5, 3, False)),
        ("out2.1", ("out", 2, 1, False)),
        ("Input 12", ("in", 12, None, False)),
        ("OUT 12", ("out", 12, None, False)),
        ("line 07", (None, 7, None, True)),
        ("5.3", (None, 5, 3, False)),
        ("HDMI 2", None),
        ("line 1.2", None),
        ("", None),
    ],
)
def test_parse_port_code(text: str, want: tuple | None) -> None:
    got = parse_port_code(text)
    if want is None:
        assert got is None
    else:
        assert (got.direction, got.number, got.card_port, got.line) == want
        if got.card_port is not None:
            assert got.card_slot == got.number


def test_parse_round_trips_port_code() -> None:
    for args in [("in", 4, 8, 6), ("out", 1, None, None), ("in", 16, None, None, True)]:
        code = port_code(*args)
        parsed = parse_port_code(code)
        assert (
            port_code(
                parsed.direction or args[0],
                parsed.number if parsed.card_port is None else args[1],
                parsed.card_slot,
                parsed.card_port,
                parsed.line,
            )
            == code
        )
