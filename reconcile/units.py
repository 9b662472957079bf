"""The one pint unit registry of ``reconcile``, with units that count people.

People, households, families and buildings (homes, shelters, schools) each get a dimension
of their own, so pint itself refuses to add people to households: a household becomes
people only through a household size that the caller supplies as a figure
(``person / household``). Nothing else in the library creates a registry.

The module stands for the registry: ``rc.units.Quantity``, ``rc.units.person`` and any
other registry attribute reach :data:`registry` itself.

Examples:
    >>> import reconcile as rc
    >>> from reconcile.units import canonical_unit
    >>> canonical_unit("people"), canonical_unit("persons"), canonical_unit("families")
    ('person', 'person', 'family')
    >>> (rc.units.Quantity(3, "person") + rc.units.Quantity(2, "people")).magnitude
    5
    >>> rc.units.Quantity(3, "person").is_compatible_with("household")
    False

"""

from __future__ import annotations

import functools
import math
import re
import threading
from typing import TYPE_CHECKING, Any

import pint
import pint.util

from reconcile.errors import Reason, UnitError

if TYPE_CHECKING:
    #: The library's one pint registry, built on first use (building it reads pint's whole
    #: list of units, which would otherwise double the time ``import reconcile`` takes).
    registry: pint.UnitRegistry[Any]

__all__ = [
    "COUNT_DIMENSIONS",
    "MAX_EXPONENT",
    "MAX_UNIT_LENGTH",
    "canonical_unit",
    "conversion_bounds",
    "conversion_factor",
    "dimension",
    "display_unit",
    "is_count",
    "pint_unit",
    "registry",
    "unit_named",
]


_built: list[pint.UnitRegistry[Any]] = []
_building = threading.Lock()


def _registry() -> pint.UnitRegistry[Any]:
    """The registry, with this library's units; built once, on first use, by one thread."""
    if not _built:
        with _building:
            if not _built:
                built: pint.UnitRegistry[Any] = pint.UnitRegistry(on_redefinition="raise")
                built.define("person = [population] = _ = people = persons")
                built.define("household = [household] = hh = households")
                built.define("family = [family] = _ = families")
                built.define("building = [building] = _ = buildings")
                built.define("USD = [currency] = US$ = usd = US_dollar")
                # Each currency is a dimension of its own: no rate between them is fixed.
                built.define("EUR = [currency_EUR] = _ = eur = euro = euros")
                built.define("GBP = [currency_GBP] = _ = gbp = pound_sterling")
                _built.append(built)
    return _built[0]


#: The dimensions whose quantities are counts, and so can never be negative.
COUNT_DIMENSIONS = frozenset({"[population]", "[household]", "[family]", "[building]"})

_PLURALS = {"person": "people", "household": "households", "family": "families", "building": "buildings"}

#: The longest unit read, in characters once stripped of surrounding spaces. A unit a report
#: gives is a few words ("person / household", "USD / person / year"); pint's reading of an
#: unknown name tries every prefix and suffix, taking seconds on thousands of characters, and a
#: product of thousands of units recurses past Python's limit. A longer text is no unit.
MAX_UNIT_LENGTH = 100
#: The largest power a unit is raised to, either way (``km**2``, ``m**3`` and ``s**-2`` need a
#: few): a larger one is no unit of a reported figure, and its conversion factors overflow
#: floats (``km**400`` to ``m**400`` is 1e1200). A number raised to a power is refused too: pint
#: computes it exactly, so ``2**9999999999`` (or ``2⁹⁹⁹⁹⁹⁹⁹⁹⁹``) would run for ever.
MAX_EXPONENT = 10
#: The characters a unit is written with besides letters, digits and spaces: the signs of
#: products, ratios and powers, and the symbols pint names units by. Any other (``#`` starts a
#: comment to pint's reader, ``;`` and quotes are dropped by it) makes the text no unit.
_UNIT_SIGNS = frozenset("_*/^().-+$%°‰∞·⁻")
# A number as pint's reader takes one (its digits, point, exponent, and letters run on to it).
_NUMERAL = re.compile(r"(?<![\w.])\.?[0-9](?:[\w.]|(?<=[eE])[-+])*")
_POWER_BEFORE = re.compile(r"\*\*[\s(+-]*\Z")
_POWER_AFTER = re.compile(r"[\s)]*\*\*")
_UNIT_HINT = (
    "use a pint unit such as 'person', 'household', 'family', 'USD', 'tonne', 'km**2' or 'dimensionless'"
)


def canonical_unit(unit: str) -> str:
    """Return the registry's own spelling of ``unit``, so equal units compare equal.

    Args:
        unit: a unit expression pint understands, with this library's units
            (``"people"``, ``"person / household"``, ``"km**2"``, ``""`` for a pure number):
            at most :data:`MAX_UNIT_LENGTH` characters once stripped, of letters, digits,
            spaces and the signs of products, ratios and powers, each power a number of size
            at most :data:`MAX_EXPONENT`.

    Returns:
        The canonical name (``"person"`` for ``"people"``, ``"dimensionless"`` for ``""``).

    Raises:
        UnitError: when the unit is unknown, is not text, is longer than
            :data:`MAX_UNIT_LENGTH`, or is text pint cannot read (``"1/0"``, ``"("``,
            ``"#"``): whatever pint's reader raises, the caller gets a :class:`UnitError`.

    Examples:
        >>> canonical_unit("people / households")
        'person / household'
        >>> canonical_unit("")
        'dimensionless'

    """
    if not isinstance(unit, str):
        raise UnitError(
            f"a unit is a string (got {unit!r} of type {type(unit).__name__})",
            hint="name the unit, e.g. unit='person' or unit='km**2'",
            unit=str(unit),
            reason=Reason.NOT_TEXT,
        )
    return _canonical(unit)


# SI prefixes a report puts on metric units ("km", "mg", "TeV"), and the units they go on. A
# word pint reads as another prefix and unit ("camps" as centi-ampere, "units" as micro-nit)
# names no unit in a figure phrase.
_PREFIXES = frozenset({"kilo", "mega", "giga", "tera", "peta", "exa", "centi", "milli", "micro", "nano"})
_PREFIXED = frozenset(
    {"meter", "gram", "liter", "second", "byte", "bit", "watt", "watt_hour", "electron_volt", "hertz"}
    | {"joule", "gray", "sievert", "becquerel"}
)
# Words pint takes for units that in a figure phrase are English: "a" (a year), "are" (100 m²),
# "in" (an inch), "pcs" (parsecs, but pieces), "bag", "at" (an atmosphere).
_NOT_UNITS = frozenset({"a", "an", "are", "in", "at", "pcs", "bag", "bags"})
# Words before a unit that raise it to a power: "square kilometres", "cubic metres".
_POWERS = {"square": "**2", "sq": "**2", "cubic": "**3", "cu": "**3"}


def unit_named(words: str) -> str | None:
    """The unit that words after a number name ("km", "tonnes", "square kilometres"), or None.

    A word names a unit by its name, symbol or plural, or a metric unit with an SI prefix;
    "square" and "cubic" raise it to a power. Words pint would read as some other unit made
    of a prefix ("camps", "units") or as a rare one ("pcs", "are") name none.

    Examples:
        >>> unit_named("km"), unit_named("square kilometres"), unit_named("km2"), unit_named("days")
        ('kilometer', 'kilometer ** 2', 'kilometer ** 2', 'day')
        >>> unit_named("camps"), unit_named("Rohingya"), unit_named("are")
        (None, None, None)

    """
    parts = words.split()
    raised = re.fullmatch(r"(.*[a-zA-Z])\^?([23])", parts[-1]) if parts else None
    power = ""
    if raised is not None:  # "km2", "km^2"
        parts[-1], power = raised[1], f"**{raised[2]}"
    if len(parts) == 2 and parts[0].lower() in _POWERS and not power:
        power = _POWERS[parts[0].lower()]
        parts = parts[1:]
    if len(parts) != 1 or parts[0].lower() in _NOT_UNITS:
        return None
    for word in dict.fromkeys([parts[0], parts[0].lower()]):  # "TeV" as written, "KM" as "km"
        try:
            found = _registry().parse_unit_name(word)
        except (ValueError, TypeError, AttributeError):
            continue
        if any(
            suffix == "" and (prefix == "" or (prefix in _PREFIXES and name in _PREFIXED))
            for prefix, name, suffix in found
        ):
            try:
                return canonical_unit(f"{word}{power}")
            except UnitError:
                return None
    return None


def _shown(unit: str) -> str:
    """The unit as a message quotes it: its first 60 characters."""
    return repr(unit) if len(unit) <= 60 else f"{unit[:60]!r}... ({len(unit):,} characters)"


def _unreadable(unit: str, why: str = "") -> UnitError:
    problem = f"unknown unit {_shown(unit)}{why}"
    return UnitError(problem, hint=_UNIT_HINT, unit=unit, reason=Reason.UNKNOWN_UNIT)


def _check_text(unit: str) -> None:
    """Refuse text no unit is written as before pint reads it: too long, odd characters, wild powers."""
    text = unit.strip()
    if len(text) > MAX_UNIT_LENGTH:
        raise _unreadable(unit, f": it is longer than {MAX_UNIT_LENGTH} characters")
    odd = next((c for c in text if not (c.isalnum() or c.isspace() or c in _UNIT_SIGNS)), None)
    if odd is not None:
        raise _unreadable(unit, f": no unit is written with {odd!r}")
    written = pint.util.string_preprocessor(text)  # the text pint evaluates ('²' is '**(2)')
    for numeral in _NUMERAL.finditer(written):
        if _POWER_AFTER.match(written, numeral.end()):
            raise _unreadable(unit, f": it raises the number {numeral[0]!r} to a power")
        if _POWER_BEFORE.search(written, 0, numeral.start()):
            try:
                power = float(numeral[0])
            except ValueError:
                raise _unreadable(unit, f": the power {numeral[0]!r} is not a number") from None
            if not abs(power) <= MAX_EXPONENT:
                raise _unreadable(unit, f": the power {numeral[0]} is larger than {MAX_EXPONENT}")


@functools.lru_cache(maxsize=512)
def _canonical(unit: str) -> str:
    _check_text(unit)
    try:
        units = _registry().parse_units_as_container(unit.strip())
        parsed = _registry().Unit(units)
    # pint's reader raises what its parts raise on junk (ZeroDivisionError for "1/0",
    # tokenize.TokenError for "(", AssertionError for "()"): each is a unit it cannot read.
    except Exception as exc:
        raise _unreadable(unit) from exc
    powers = [float(power) for _, power in units.items()]  # type: ignore[arg-type]  # pint's are numbers
    if any(not abs(power) <= MAX_EXPONENT for power in powers):  # ((person**9)**9)**9
        raise _unreadable(unit, f": a power is larger than {MAX_EXPONENT}")
    try:
        _registry().Quantity(1.0, parsed) * 2  # pint refuses to scale a point on an offset scale
    except pint.errors.OffsetUnitCalculusError as exc:
        raise UnitError(
            f"{unit!r} is measured from an offset zero, which ranges cannot be added in",
            hint="use a unit with a true zero, such as 'kelvin'",
            unit=unit,
            reason=Reason.OFFSET_UNIT,
        ) from exc
    return str(parsed)


def conversion_factor(source: str, target: str) -> float:
    """Return the factor that turns a magnitude in ``source`` into one in ``target``.

    Raises:
        UnitError: when the two units measure different things (people and households,
            troops and dollars).

    Examples:
        >>> conversion_factor("km**2", "m**2")
        1000000.0
        >>> conversion_factor("person", "household")
        Traceback (most recent call last):
        ...
        reconcile.errors.UnitError: cannot convert 'person' to 'household' ...

    """
    return _factor(canonical_unit(source), canonical_unit(target))


@functools.lru_cache(maxsize=512)
def _factor(source: str, target: str) -> float:
    try:
        factor = float(_registry().Quantity(1.0, source).to(target).magnitude)
    except pint.errors.DimensionalityError as exc:
        raise UnitError(
            f"cannot convert {source!r} to {target!r} ({exc.dim1} is not {exc.dim2})",
            hint="people, households and families are different units: multiply households "
            "by a household size figure (unit 'person / household') to get people",
            unit=source,
            reason=Reason.UNIT_MISMATCH,
        ) from exc
    except ArithmeticError:  # OverflowError: a power of a large prefix ("Ym**10" to "ym**10")
        factor = math.inf
    if not (math.isfinite(factor) and factor != 0):
        raise UnitError(
            f"the factor from {source!r} to {target!r} is too {'large' if factor else 'small'} for a float",
            hint="give the figures in units nearer each other, without powers of large prefixes",
            unit=source,
            reason=Reason.OVERFLOW,
        )
    return factor


def conversion_bounds(source: str, target: str) -> tuple[float, float, float]:
    """The factor from ``source`` to ``target`` as (lowest, nearest, highest) it may truly be.

    pint computes factors in floats, a few units in the last place from the exact ratio
    (a mile is exactly 1.609344 km, which no float holds). A whole-number factor is exact;
    any other is widened by a relative 2**-50, far more than that error, so a converted
    range still holds the true one.

    Examples:
        >>> least, factor, most = conversion_bounds("mile", "km")
        >>> least < 1.609344 < most, factor
        (True, 1.609344)
        >>> conversion_bounds("km", "m")
        (1000.0, 1000.0, 1000.0)

    """
    factor = conversion_factor(source, target)
    if factor.is_integer():
        return factor, factor, factor
    margin = factor * 2.0**-50
    return factor - margin, factor, factor + margin


@functools.lru_cache(maxsize=512)
def dimension(unit: str) -> str:
    """What a unit measures, as pint's dimensionality ("[population]", "[length] ** 2").

    Examples:
        >>> dimension("people"), dimension("km**2"), dimension("percent")
        ('[population]', '[length] ** 2', 'dimensionless')

    """
    return str(_registry().Unit(canonical_unit(unit)).dimensionality)


def is_count(unit: str) -> bool:
    """Tell whether ``unit`` counts people, households, families or buildings (never negative).

    Examples:
        >>> is_count("person"), is_count("person / household"), is_count("USD")
        (True, True, False)

    """
    dimensionality = _registry().Unit(canonical_unit(unit)).dimensionality
    return any(str(dimension) in COUNT_DIMENSIONS for dimension in dimensionality)


def display_unit(unit: str) -> str:
    """Return the unit as a reader would write it after a number (``"people"``).

    Examples:
        >>> display_unit("person"), display_unit("USD"), display_unit("dimensionless")
        ('people', 'USD', '')

    """
    if unit == "dimensionless":
        return ""
    return _PLURALS.get(unit, unit)


def pint_unit(unit: str) -> pint.Unit:
    """The pint ``Unit`` of :data:`registry` that ``unit`` names.

    Examples:
        >>> pint_unit("people").dimensionality
        <UnitsContainer({'[population]': 1})>

    """
    return _registry().Unit(canonical_unit(unit))


def __getattr__(name: str) -> Any:
    """Let the module stand for the registry: ``rc.units.Quantity``, ``rc.units.km``."""
    if name.startswith("__"):
        raise AttributeError(name)
    if name == "registry":
        return _registry()
    return getattr(_registry(), name)
