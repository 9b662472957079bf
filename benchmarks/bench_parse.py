"""How fast phrases are read: parse_many on a column, against a bare regex extract, and parse one by one.

Run with ``python benchmarks/bench_parse.py [rows]``. It builds a column of mixed phrases
(hedged numbers, ranges, magnitudes, number words, shares, quantity words, nouns, currency,
and some unreadable rows), then times on the same column:

- ``parse_many`` over the whole column;
- a bare ``Series.str.extract(r"(\\d[\\d,]*)")`` of a plain number: the floor of any
  column-wise reading;
- ``Series.str.extract`` with the library's own whole-phrase grammar pattern (the same
  default lexicon): matching alone, without turning the groups into ranges; the speed issue's
  baseline (``parse_many`` within 2.5x of it);
- ``parse`` called once per phrase, on the first 10,000 phrases.

It does so twice: on a column where phrases repeat as they do in real tables (the fixed
phrases "more than half", "dozens of fighters" ...), and on a column of distinct phrases,
where parse_many's reading each distinct phrase once saves nothing. Each time is the best of
five runs.
"""

from __future__ import annotations

import contextlib
import random
import sys
import time
from collections.abc import Callable

import pandas as pd

from reconcile.phrases import parse, parse_many
from reconcile.phrases.grammar import grammar_for

TEMPLATES = [
    "about {n:,}",
    "approximately {n:,} troops",
    "some {n:,}",
    "nearly {m} million",
    "at least {n:,} militants",
    "as many as {n:,}",
    "more than {n:,} people",
    "up to ${m} million",
    "{n:,}",
    "{n:,} families",
    "{a:,} to {b:,}",
    "between {a:,} and {b:,} residents",
    "{m} to {m2} million",
    "{m}m",
    "just under {n:,}",
    "{p}%",
    "about {p} percent",
    "more than half",
    "two-thirds",
    "five thousand",
    "twenty-five children",
    "a dozen",
    "dozens of fighters",
    "tens of thousands of people",
    "several thousand",
    "an estimated {n:,} households",
    "many",  # unreadable, on purpose
]


def phrase(draw: random.Random, templates: list[str]) -> str:
    """One phrase from a random template with random numbers."""
    low = draw.randrange(100, 50_000)
    return draw.choice(templates).format(
        n=draw.randrange(1, 2_000_000),
        a=low,
        b=low + draw.randrange(1, 50_000),
        m=draw.randrange(1, 30) / 10 + 1,
        m2=draw.randrange(31, 90) / 10,
        p=draw.randrange(1, 100),
    )


def phrases(rows: int, *, distinct: bool = False, seed: int = 7) -> pd.Series[str]:
    """A column of ``rows`` mixed phrases; with ``distinct``, no phrase repeats."""
    draw = random.Random(seed)
    if not distinct:
        return pd.Series([phrase(draw, TEMPLATES) for _ in range(rows)], dtype=object)
    with_numbers = [template for template in TEMPLATES if "{" in template]
    seen: dict[str, None] = {}
    while len(seen) < rows:
        seen[phrase(draw, with_numbers)] = None
    return pd.Series(list(seen), dtype=object)


def best(run: Callable[[], object], repeat: int = 5) -> float:
    """The shortest wall time of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def report(column: pd.Series[str], title: str, one_by_one: int = 10_000) -> None:
    """Print the timings for one column."""
    rows = len(column)
    unreadable = int(parse_many(column)["error"].notna().sum())
    print(f"{title}: {rows:,} phrases, {column.nunique():,} distinct, {unreadable:,} unreadable")
    many = best(lambda: parse_many(column))
    bare = best(lambda: column.str.extract(r"(\d[\d,]*)"))
    full = grammar_for(None).full
    own = best(lambda: column.str.extract(full.pattern, flags=full.flags))
    print(f"  parse_many:                 {many:7.3f} s  ({rows / many:,.0f} phrases/s)")
    print(f"  bare Series.str.extract:    {bare:7.3f} s")
    print(f"  ratio parse_many / extract: {many / bare:7.1f} x")
    print(f"  str.extract, own grammar:   {own:7.3f} s  (the library's whole-phrase pattern, no reading)")
    print(f"  ratio parse_many / it:      {many / own:7.1f} x  (target: at most 2.5x)")

    sample = column.iloc[:one_by_one].tolist()

    def each() -> None:
        for text in sample:
            with contextlib.suppress(ValueError):
                parse(text)

    single = best(each, repeat=3)
    print(f"  parse, one by one:          {single:7.3f} s  ({len(sample) / single:,.0f} phrases/s)")


def main(rows: int = 100_000) -> None:
    """Time both columns."""
    report(phrases(rows), "mixed column")
    report(phrases(rows, distinct=True), "distinct phrases")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
