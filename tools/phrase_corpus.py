"""Score ``reconcile.parse`` on the count phrases taken from four number-reading libraries' test suites.

Run with ``python tools/phrase_corpus.py`` from the project root. The corpus is
``tests/data/real/phrases/count_phrases.json`` (where each phrase comes from is in the
``SOURCES.md`` beside it). Every phrase is read with ``rc.parse`` and sorted into:

* phrases with a number the suite expects: read to that value, read to a range holding it,
  read to a wrong value, or refused (a ``ReconcileError``);
* phrases the suite expects no single number from (``value`` null: refused, or split into
  several numbers): refused, or read.

A percentage counts as read right when the figure is the suite's number or a hundredth of
it ("35%" is 35 to the suites and 0.35 to reconcile). Any other exception is a crash and is
listed on its own.

``--against-quantulum PYTHON`` scores quantulum3 on the same phrases, through a
subprocess run by ``PYTHON`` (an interpreter that has quantulum3 installed, kept out of the
project's venv): one quantity found is a reading, none is a refusal, several is a split.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import reconcile as rc

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "real" / "phrases" / "count_phrases.json"

# Run by the other interpreter: reads the phrases (a JSON list) on stdin, writes one result a phrase.
QUANTULUM_RUNNER = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
t0 = time.perf_counter()
from quantulum3 import parser
parser.parse("about 5,000 people")  # the first call loads units and entities: warm up
load = time.perf_counter() - t0
out = []
for phrase in json.load(sys.stdin):
    t = time.perf_counter()
    try:
        found = [[q.value, q.unit.name, q.surface] for q in parser.parse(phrase)]
        error = None
    except Exception as exc:
        found, error = [], type(exc).__name__ + ": " + str(exc)[:200]
    out.append({"found": found, "error": error, "seconds": time.perf_counter() - t})
json.dump({"import_seconds": load, "results": out}, sys.stdout)
"""


@dataclass
class Outcome:
    """What one reader made of one phrase."""

    entry: dict[str, Any]
    status: str  # exact | in-range | wrong | refused | crash | read (for expected-null phrases) | several
    got: str  # short description of the reading or of the refusal
    pattern: str = ""  # the refusal message with its particulars taken out
    token: str = ""  # the word the refusal names (the one that could not be read)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _matches(expected: float, value: float, entry: dict[str, Any]) -> bool:
    if _close(value, expected):
        return True
    return "percent" in entry.get("tags", []) and _close(value * 100, expected)


def _within(expected: float, low: float, high: float, entry: dict[str, Any]) -> bool:
    scale = 100.0 if "percent" in entry.get("tags", []) and high <= 1 else 1.0
    return low * scale - 1e-9 <= expected <= high * scale + 1e-9


REFUSALS = [  # (the message's shape, its name here); the group is the word the message names
    (re.compile(r"^cannot read '(.*?)' at character \d+ of "), "cannot read <word> after the number"),
    (
        re.compile(r"^cannot combine the number words '(.*?)' at character "),
        "cannot combine the number words",
    ),
    (re.compile(r"^'(.*?)' does not start a figure phrase \(in "), "<word> does not start a figure phrase"),
]


def error_pattern(message: str) -> tuple[str, str]:
    """The refusal's kind (its message with the particulars taken out) and the word it names."""
    for shape, name in REFUSALS:
        found = shape.match(message)
        if found:
            word = found.group(1)
            if name == "cannot combine the number words":
                return name, ""
            if name.startswith("<word> does not start") and " " not in word:
                return name, word
            if name.startswith("<word> does not start"):
                return "the phrase does not start a figure phrase", word.split()[0]
            return name, word
    head = re.split(r": |; ", message, maxsplit=1)[0]
    return re.sub(r"\d+", "N", re.sub(r"'[^']*'", "'…'", head))[:90], ""


def score_reconcile(entries: list[dict[str, Any]]) -> tuple[list[Outcome], float]:
    """Read every phrase with ``rc.parse``; return the outcomes and the seconds taken (after a warm-up)."""
    outcomes = []
    rc.parse("about 5,000 people")  # the first call builds the grammar: warm up, untimed
    start = time.perf_counter()
    for entry in entries:
        phrase, expected = entry["phrase"], entry["value"]
        try:
            figure = rc.parse(phrase)
        except rc.ReconcileError as exc:
            pattern, token = error_pattern(str(exc))
            outcomes.append(Outcome(entry, "refused", type(exc).__name__, pattern, token))
            continue
        except Exception as exc:  # a bug in the reader, not a refusal
            outcomes.append(Outcome(entry, "crash", f"{type(exc).__name__}: {exc}"[:120]))
            continue
        got = f"{figure.value:g} [{figure.low:g}, {figure.high:g}] {figure.unit}"
        if expected is None:
            outcomes.append(Outcome(entry, "read", got))
        elif _matches(expected, figure.value, entry):
            outcomes.append(Outcome(entry, "exact", got))
        elif _within(expected, figure.low, figure.high, entry):
            outcomes.append(Outcome(entry, "in-range", got))
        else:
            outcomes.append(Outcome(entry, "wrong", got))
    return outcomes, time.perf_counter() - start


def score_quantulum(entries: list[dict[str, Any]], python: str) -> tuple[list[Outcome], float, float]:
    """Read every phrase with quantulum3 in another interpreter; outcomes, parse seconds, import seconds."""
    phrases = [entry["phrase"] for entry in entries]
    done = subprocess.run(
        [python, "-c", QUANTULUM_RUNNER],
        input=json.dumps(phrases),
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if done.returncode != 0:
        raise SystemExit(f"quantulum3 run failed ({python}):\n{done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    outcomes = []
    for entry, result in zip(entries, report["results"], strict=True):
        found, expected = result["found"], entry["value"]
        if result["error"]:
            outcomes.append(Outcome(entry, "crash", result["error"]))
        elif not found:
            outcomes.append(Outcome(entry, "refused", "nothing found", "nothing found"))
        elif len(found) > 1:
            got = "; ".join(f"{v:g} {u}" for v, u, _ in found)
            outcomes.append(Outcome(entry, "several", got, f"{len(found)} quantities"))
        else:
            value, unit, surface = found[0]
            got = f"{value:g} {unit} ({surface!r})"
            if expected is None:
                outcomes.append(Outcome(entry, "read", got))
            elif _matches(expected, value, entry):
                outcomes.append(Outcome(entry, "exact", got))
            else:
                outcomes.append(Outcome(entry, "wrong", got))
    parse_seconds = sum(r["seconds"] for r in report["results"])
    return outcomes, parse_seconds, float(report["import_seconds"])


def _line(outcome: Outcome) -> str:
    entry = outcome.entry
    want = "no number" if entry["value"] is None else f"{entry['value']:g}"
    return f"    {entry['phrase']!r:60.60} want {want:>14}  got {outcome.got}"


_SHOWN_IF_ANY = {"several": "read as several quantities", "crash": "crashed"}


def _counts(counts: Counter[str], lines: list[tuple[str, str]]) -> None:
    """One line a status, its label padded; a status with no label is shown only when it occurs."""
    for status, label in lines:
        if label or counts[status]:
            print(f"  {(label or _SHOWN_IF_ANY[status]) + ':':<34} {counts[status]}")


def report(name: str, outcomes: list[Outcome], seconds: float, *, limit: int) -> None:
    """Print the counts, then the misreads and refusals grouped by kind, then refusal patterns."""
    counted = [o for o in outcomes if o.entry["value"] is not None]
    nulls = [o for o in outcomes if o.entry["value"] is None]
    c = Counter(o.status for o in counted)
    n = Counter(o.status for o in nulls)
    each = seconds / len(outcomes) * 1e6
    print(f"== {name}: {len(outcomes)} phrases in {seconds * 1000:.0f} ms ({each:.0f} µs each)")
    print(f"count phrases (suite expects a number): {len(counted)}")
    _counts(c, [("exact", "read to the expected value"), ("in-range", "read to a range holding it")])
    _counts(c, [("wrong", "read to a wrong value"), ("several", ""), ("refused", "refused"), ("crash", "")])
    print(f"phrases the suite expects no single number from: {len(nulls)}")
    _counts(n, [("refused", "refused"), ("several", ""), ("read", "read as one number"), ("crash", "")])
    for field, title in (("kind", "by kind:"), ("library", "by the library whose suite the phrase is from:")):
        groups: dict[str, Counter[str]] = defaultdict(Counter)
        for o in outcomes:
            label = o.status if o.entry["value"] is not None else f"no-number {o.status}"
            groups[o.entry[field]][label] += 1
        print(title)
        for key, statuses in sorted(groups.items(), key=lambda kv: -sum(kv[1].values())):
            print(f"  {key:13} " + ", ".join(f"{s} {k}" for s, k in statuses.most_common()))

    def listing(title: str, chosen: list[Outcome]) -> None:
        if not chosen:
            return
        print(title)
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for o in chosen:
            groups[o.entry["kind"]].append(o)
        for kind, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            print(f"  [{kind}] {len(items)}")
            for o in items[:limit]:
                print(_line(o))
            if len(items) > limit:
                print(f"    … {len(items) - limit} more")

    listing("misreads (count phrases read to a wrong value):", [o for o in counted if o.status == "wrong"])
    listing("refusals of count phrases:", [o for o in counted if o.status == "refused"])
    listing("expected no single number, read as one:", [o for o in nulls if o.status == "read"])
    listing("crashes:", [o for o in outcomes if o.status == "crash"])
    refusals = [o for o in counted if o.status == "refused"]
    if refusals:
        print("refusal patterns of count phrases (with the words they name, commonest first):")
        for pattern, k in Counter(o.pattern for o in refusals).most_common(12):
            tokens = Counter(o.token.lower() for o in refusals if o.pattern == pattern and o.token)
            examples = [o.entry["phrase"] for o in refusals if o.pattern == pattern][:3]
            print(f"  {k:4}  {pattern}")
            if tokens:
                print("        " + ", ".join(f"{t!r} {n}" for t, n in tokens.most_common(14)))
            print("        e.g. " + " | ".join(repr(e) for e in examples))
    print()


def main(argv: list[str] | None = None) -> int:
    """Load the corpus, score reconcile (and quantulum3 when asked), print the reports."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="the phrases (JSON list)")
    ap.add_argument("--limit", type=int, default=8, help="phrases listed per kind (default 8)")
    ap.add_argument("--library", help="only phrases first taken from this library")
    ap.add_argument(
        "--against-quantulum",
        metavar="PYTHON",
        help="an interpreter with quantulum3 installed: score quantulum3 on the same phrases",
    )
    args = ap.parse_args(argv)
    entries: list[dict[str, Any]] = json.loads(args.corpus.read_text(encoding="utf-8"))
    if args.library:
        entries = [e for e in entries if e["library"] == args.library]
    if not entries:
        print("no phrases", file=sys.stderr)
        return 1
    libraries = Counter(e["library"] for e in entries)
    print(f"{len(entries)} phrases: " + ", ".join(f"{lib} {k}" for lib, k in libraries.most_common()))
    print()
    outcomes, seconds = score_reconcile(entries)
    report("reconcile.parse", outcomes, seconds, limit=args.limit)
    if args.against_quantulum:
        q_outcomes, q_seconds, q_import = score_quantulum(entries, args.against_quantulum)
        print(f"(quantulum3 import and first parse took {q_import:.2f} s, not counted below)")
        report("quantulum3.parser.parse", q_outcomes, q_seconds, limit=args.limit)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
