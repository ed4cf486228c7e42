"""Sample inputs for any calculator, found from its description alone (GET /api/calc).

Each required parameter gets a list of candidate values by type; strings come from the examples
quoted in the calculator's own docstring and from the defaults of every text parameter in the
catalogue. A small search then changes the parameter a 422 names until the calculator answers.
"""

from __future__ import annotations

import re
from typing import Any

from vpm.web.api.calc import Kind, param_kinds

INTEGERS = [1920, 1080, 60, 256, 128, 40, 3, 2, 1, 10, 8, 720, 2160, 3840]
NUMBERS = [1920.0, 1080.0, 59.94, 500.0, 12.5, 360.0, 0.5, 1.5, 25.0, 3.0, 60.0, 100.0, 10.0, 2.0, 1e6]
_QUOTED = re.compile(r'"([^"\n]{1,40})"')


def text_pool(catalogue: list[dict[str, Any]], item: dict[str, Any]) -> list[str]:
    pool = [m for m in _QUOTED.findall(item["doc"])]
    for entry in catalogue:
        for param in entry["parameters"]:
            if param["json_type"] == "string" and isinstance(param["default"], str) and param["default"]:
                pool.append(param["default"])
    return list(dict.fromkeys(pool)) or ["x"]


def candidates(kind: Kind, texts: list[str]) -> list[Any]:
    if kind.name == "int":
        return INTEGERS
    if kind.name == "float":
        return NUMBERS
    if kind.name == "bool":
        return [False, True]
    if kind.name == "str":
        return texts
    if kind.name == "any":
        return [texts[0], 50.0, 2]
    if kind.name == "tuple":
        if not kind.items:
            return [[texts[0], 50.0], [texts[0], 25.0, 2]]
        return [[candidates(k, texts)[0] for k in kind.items]]
    item = candidates(kind.item or Kind("any"), texts)
    return [[item[0]], [item[1 % len(item)], item[2 % len(item)]], []]


def find_inputs(
    client: Any, catalogue: list[dict[str, Any]], item: dict[str, Any], attempts: int = 400
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(inputs, answer) for a 200 from POST /api/calc/{name}; AssertionError when none is found."""
    texts = text_pool(catalogue, item)
    required = [p for p in item["parameters"] if p["required"]]
    kinds = param_kinds(item["name"])
    pools = {p["name"]: candidates(kinds[p["name"]][0], texts) for p in required}
    index = {p["name"]: i % len(pools[p["name"]]) for i, p in enumerate(required)}
    order = [p["name"] for p in required]
    last = None
    for _ in range(attempts):
        body = {name: pools[name][index[name]] for name in order}
        r = client.post(item["url"], json=body)
        if r.status_code == 200:
            return body, r.json()
        assert r.status_code == 422, (item["name"], body, r.status_code, r.text)
        field = r.json()["errors"][0]["field"]
        assert field in pools, (item["name"], body, r.text)
        last = r.text
        index[field] = (index[field] + 1) % len(pools[field])
        if index[field] == 0:  # every value of the named one failed: move all the others on
            for name in order:
                if name != field:
                    index[name] = (index[name] + 1) % len(pools[name])
    raise AssertionError(f"no inputs found for {item['name']}: {last}")
