"""The one exception every calculation raises for bad input.

The API layer turns a :class:`CalcError` into HTTP 422 naming ``field``; field names
match the keyword argument names of the calc functions.
"""

from __future__ import annotations


class CalcError(ValueError):
    """Invalid input to a calculation.

    ``field`` is the keyword argument at fault, ``reason`` a sentence a person can act on.
    """

    def __init__(self, field: str, reason: str) -> None:
        """Store the argument name and the reason; the message reads "field: reason"."""
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason

    def __reduce__(self) -> tuple[type[CalcError], tuple[str, str]]:
        """Keep the exception picklable with both attributes (e.g. across worker processes)."""
        return (type(self), (self.field, self.reason))
