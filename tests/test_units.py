import subprocess
import sys

import pytest

import reconcile as rc
from reconcile.units import canonical_unit, conversion_factor, display_unit, is_count, registry


def test_people_and_persons_are_one_unit() -> None:
    assert canonical_unit("people") == canonical_unit("persons") == canonical_unit("person") == "person"
    total = rc.Figure.exact(3, unit="people") + rc.Figure.exact(2, unit="persons")
    assert (total.value, total.unit) == (5.0, "person")


@pytest.mark.parametrize(
    ("first", "second"), [("person", "household"), ("person", "USD"), ("family", "household")]
)
def test_different_things_counted_are_different_dimensions(first: str, second: str) -> None:
    with pytest.raises(rc.UnitError, match="cannot convert") as caught:
        conversion_factor(first, second)
    assert "household size" in caught.value.hint


def test_unknown_unit_is_a_unit_error_with_a_hint() -> None:
    with pytest.raises(rc.UnitError, match="unknown unit 'militantz'") as caught:
        canonical_unit("militantz")
    assert caught.value.unit == "militantz"
    assert isinstance(caught.value, ValueError)


def test_the_module_stands_for_the_one_registry() -> None:
    assert rc.units.Quantity is registry.Quantity
    assert rc.units.Quantity(2, "household").to("hh").magnitude == 2
    with pytest.raises(AttributeError):
        rc.units.__no_such_thing__  # noqa: B018


def test_counts_are_units_of_people_households_and_families() -> None:
    assert all(is_count(unit) for unit in ("person", "household", "family", "person / household"))
    assert not any(is_count(unit) for unit in ("USD", "tonne", "dimensionless", "km**2"))


def test_display_names_read_as_plurals() -> None:
    assert [display_unit(u) for u in ("person", "household", "family", "tonne")] == [
        "people",
        "households",
        "families",
        "tonne",
    ]


def test_the_registry_is_built_once_on_first_use_even_by_racing_threads() -> None:
    probe = """
import threading
import reconcile.units as units
assert not units._built, "the registry was built at import"
seen = []
threads = [threading.Thread(target=lambda: seen.append(units.registry)) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
assert len({id(registry) for registry in seen}) == 1 and len(units._built) == 1
print("one registry")
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.strip() == "one registry", done.stderr
