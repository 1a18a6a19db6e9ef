"""Counted quantities and their units, from the seed report's own sentences."""

from decimal import Decimal

from reports.languages import ENGLISH
from reports.quantities import find_quantities


def quantities(text: str) -> list[tuple[Decimal, str]]:
    return [(q.value, q.unit) for q in find_quantities(text, ENGLISH)]


def test_a_number_takes_the_noun_after_it_as_its_unit():
    assert quantities("Ukraine said 117 drones were deployed.") == [(Decimal(117), "drones")]


def test_thousands_separators_and_adjectives_before_the_noun():
    text = "repatriate the bodies of 12,000 fallen soldiers"
    assert quantities(text) == [(Decimal(12000), "soldiers")]


def test_a_bare_number_takes_the_unit_of_the_quantity_before_it():
    text = "a list of 400 children allegedly abducted, but Russia agreed to return 10."
    assert quantities(text) == [(Decimal(400), "children"), (Decimal(10), "children")]


def test_years_ranges_and_spans_of_time_are_not_quantities():
    text = "Russia's 2014 annexation, 2-3 day ceasefires, elections within 100 days"
    assert quantities(text) == []


def test_decimals_keep_their_fraction():
    assert quantities("a loan of 1.5 billion dollars") == [(Decimal("1.5"), "billion")]
