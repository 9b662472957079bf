"""Score rc.extract on the labelled sentences of tests/data/real/extract: figures, hedges, speakers.

Run with ``python tools/extract_scores.py [--show N]``. Each passage is extracted with its
outlet as ``via``; a labelled figure is found when a figure extracted from the same passage
covers some of the same characters. Of the figures found, the range is right when every
number the label gives (``low``, ``value``, ``high``) is the one read, the hedge when the
words agree, the noun when the counted word or what the lexicon maps it to agrees, and the
speaker when the label's speaker and the one found name each other (one contains the other,
leaving out "the" and case), or both say the outlet's own voice. Precision is the share of
extracted figures that match a labelled one.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

import reconcile as rc

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "real" / "extract"


class Scores(NamedTuple):
    """Counts of one run over the labelled set."""

    labelled: int
    extracted: int
    found: int
    ranges: int
    hedges: int
    nouns: int
    speakers: int
    misses: list[str]
    false: list[str]
    wrong: list[str]

    def rates(self) -> dict[str, float]:
        """Recall, precision and the share right of the figures found, as fractions."""
        return {
            "recall": self.found / self.labelled,
            "precision": self.found / self.extracted if self.extracted else 1.0,
            "range right": self.ranges / self.labelled,
            "hedge right": self.hedges / self.labelled,
            "noun right": self.nouns / self.labelled,
            "speaker right": self.speakers / self.labelled,
        }


def _name(text: object) -> str:
    words = re.sub(r"[’']s\b", "", str(text).lower()).replace(".", "").split()
    return " ".join(word for word in words if word != "the")


def _same_speaker(label: object, found: Any) -> bool:
    if not isinstance(label, str) or not label.strip():
        return bool(found["attribution"] == "none")
    if found["attribution"] == "none":
        return False
    want, got = _name(label), _name(found["source"])
    return bool(want) and (want in got or got in want)


def _same_number(label: object, got: float) -> bool:
    if label is None or (isinstance(label, float) and math.isnan(label)):
        return True
    want = float(label)  # type: ignore[arg-type]
    return math.isclose(want, got, rel_tol=1e-9) or (math.isinf(want) and math.isinf(got))


def _same_noun(label: object, found: Any, lexicon: rc.Lexicon) -> bool:
    want = str(label).lower().strip() if isinstance(label, str) else ""
    got = found["counts"] if isinstance(found["counts"], str) else ""
    if not want:
        return True
    want = want.split()[-1]  # "civilian deaths" counts deaths
    entry = lexicon.nouns.get(want)
    if entry is not None and entry.counts is None:
        return True  # "people": what the sentence says they are ("displaced") is as right
    mapped = {want, want.rstrip("s"), entry.counts if entry is not None and entry.counts else want}
    return (
        got in mapped or got.rstrip("s") in mapped or (entry is not None and entry.counts is None and not got)
    )


def _same_hedge(label: object, found: Any) -> bool:
    want = " ".join(str(label).lower().split()) if isinstance(label, str) else ""
    got = " ".join(str(found["hedge"]).lower().split()) if isinstance(found["hedge"], str) else ""
    return want.strip("-") == got.strip("-")


def score() -> Scores:
    """Extract every passage and compare with its labels."""
    passages = pd.read_csv(DATA / "passages.csv", dtype=str, keep_default_na=False)
    labels = pd.read_csv(DATA / "figures.csv", dtype={"passage_id": str, "phrase": str, "hedge": str})
    lexicon = rc.Lexicon.default()
    totals = dict.fromkeys(("found", "ranges", "hedges", "nouns", "speakers", "extracted"), 0)
    misses: list[str] = []
    false: list[str] = []
    wrong: list[str] = []
    by_passage: dict[str, list[dict[str, Any]]] = {}
    for record in labels.to_dict("records"):
        by_passage.setdefault(str(record["passage_id"]), []).append({str(k): v for k, v in record.items()})
    for passage in passages.to_dict("records"):
        pid, text = str(passage["passage_id"]), str(passage["text"])
        found = rc.extract(
            text, via=str(passage["outlet"]) or None, reported_on=str(passage["published"]) or None
        )
        totals["extracted"] += len(found)
        used: set[int] = set()
        at = 0
        for label in by_passage.get(pid, []):
            phrase = str(label["phrase"])
            start = text.find(phrase, at)
            start = text.find(phrase) if start < 0 else start
            end = start + len(phrase)
            at = start + 1
            starts, ends = found["start"].to_numpy(), found["end"].to_numpy()
            overlap = [
                row
                for row in range(len(found))
                if row not in used and starts[row] < end and ends[row] > start
            ]
            if not overlap:
                misses.append(f"{pid}: {phrase!r} ({label['counts']})")
                continue
            row = overlap[0]
            used.add(row)
            got = found.iloc[row].to_dict()
            totals["found"] += 1
            checks = {
                "ranges": all(
                    _same_number(label[end_], float(got[end_])) for end_ in ("low", "value", "high")
                ),
                "hedges": _same_hedge(label["hedge"], got),
                "nouns": _same_noun(label["counts"], got, lexicon),
                "speakers": _same_speaker(label["speaker"], got),
            }
            for name, right in checks.items():
                totals[name] += right
            if not all(checks.values()):
                failed = ", ".join(name for name, right in checks.items() if not right)
                wrong.append(
                    f"{pid}: {phrase!r} [{failed}] want "
                    f"{label['low']}/{label['value']}/{label['high']} {label['hedge']!s} {label['counts']!s} "
                    f"by {label['speaker']!s}; got {got['low']}/{got['value']}/{got['high']} "
                    f"{got['hedge']} {got['counts']} by {got['source']} ({got['attribution']})"
                )
        for row in range(len(found)):
            if row not in used:
                false.append(f"{pid}: {found.loc[row, 'phrase']!r} ({found.loc[row, 'counts']!s})")
    return Scores(len(labels), misses=misses, false=false, wrong=wrong, **totals)


def main(argv: list[str] | None = None) -> int:
    """Print the scores, and the first misses, false figures and wrong readings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=20, help="how many of each list to print")
    args = parser.parse_args(argv)
    scores = score()
    print(f"{scores.labelled} labelled figures, {scores.extracted} extracted, {scores.found} found")
    for name, rate in scores.rates().items():
        print(f"  {name:14} {rate:6.1%}")
    for title, items in (("missed", scores.misses), ("false", scores.false), ("wrong", scores.wrong)):
        print(f"{title} ({len(items)}):")
        for item in items[: args.show]:
            print(f"    {item}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
