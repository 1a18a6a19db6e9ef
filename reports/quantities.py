"""Quantities with their unit: "117 drones", "12,000 fallen soldiers" (soldiers), "returning 10"
after "400 children" (children). Own rules rather than quantulum3: its unit table knows
physical units, not the count nouns reports use (it reads "117 drones" as dimensionless), and
its first parse takes about two seconds to load that table."""

import re
from dataclasses import dataclass
from decimal import Decimal

from .languages import Language

NUMBER = re.compile(r"(?<![\w.,-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w-]|[.,]\d)")
WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    unit: str
    words: str
    start: int
    end: int


def _is_year(digits: str, before: str) -> bool:
    return len(digits) == 4 and digits[:2] in ("19", "20") and "," not in digits


def find_quantities(text: str, lang: Language) -> list[Quantity]:
    """Every counted quantity in `text`, in order. Years, ranges ("2-3 day") and spans of time
    ("100 days", which are deadlines) are left out. A bare number takes the unit of the
    quantity before it in the same text ("400 children ... returning 10")."""
    found: list[Quantity] = []
    for match in NUMBER.finditer(text):
        digits = match.group(1)
        if _is_year(digits, text[: match.start()]):
            continue
        unit, end = "", match.end()
        position = match.end()
        for _ in range(3):
            word = WORD.match(text, position + 1) if text[position : position + 1] == " " else None
            if not word:
                break
            lowered = word.group(0).lower()
            if lowered in lang.quantity_fillers:
                position = word.end()
                continue
            unit, end = lowered, word.end()
            break
        if unit in lang.units_of_time:
            continue
        if not unit and found:
            unit = found[-1].unit
        value = Decimal(digits.replace(",", ""))
        found.append(Quantity(value, unit, text[match.start() : end], match.start(), end))
    return found
