"""How fast articles are read: rc.extract over 1,000 articles of about 5 KB, against a bare regex scan.

Run with ``python benchmarks/bench_extract.py [articles]``. It writes articles from
sentence templates in this project's words: figures with hedges and nouns, speakers named by
verbs, "according to" and pronouns, and the dates, years, ages, durations and shares that are
not claims, about 5 KB each. Then it times, on the same articles in the same run:

- ``rc.extract`` on each article (articles per second, seconds per MB);
- a bare ``re.findall`` of numbers (digits with commas and points) over each article: the
  floor of any reading that finds numbers in text.

The goal is ``rc.extract`` within 20x the bare scan. Each time is the best of three runs.
"""

from __future__ import annotations

import random
import re
import sys

from bench_parse import best  # the same best-of-runs timer

import reconcile as rc

SENTENCES = [
    "{speaker} said {hedge}{n:,} people had fled {place} since the fighting began on {day} March.",
    "According to {speaker}, {hedge}{n:,} households in {place} need shelter.",
    "{hedge_cap}{n:,} children were among the displaced, {speaker} said on Monday.",
    "The convoy, which left {place} at 10:30, carried food for {hedge}{n:,} families.",
    "A {age}-year-old woman told reporters she had walked for three days to reach the camp.",
    "{speaker} estimates that {hedge}{m} million residents remain, half of the city's population in {year}.",
    "He added that {hedge}{n:,} more were on the road. Another {small} are missing.",
    "Rescue teams worked for {small} hours, and the death toll rose to {hedge}{n:,}, officials said.",
    "In {year}, {hedge}{n:,} refugees crossed into {place}, a figure {speaker} says is at least "
    "{small} short of the actual number.",
    "Dozens of fighters and {hedge}{n:,} civilians were reported in {place}, about {pct} percent "
    "of them women.",
    "The appeal, launched on {day} April {year}, is {pct}% funded; see page {small} of the report.",
]
SPEAKERS = [
    "the United Nations",
    "UNHCR",
    "local officials",
    "the health ministry",
    "Save the Children",
    "IOM",
]
PLACES = ["Mosul", "Aleppo", "Derna", "El Fasher", "Cox's Bazar", "Kherson", "Kandahar"]
HEDGES = ["about ", "at least ", "more than ", "nearly ", "up to ", "some ", "an estimated ", ""]


def article(draw: random.Random, size: int = 5_000) -> str:
    """One article of about ``size`` characters, in paragraphs of three sentences."""
    sentences: list[str] = []
    while sum(map(len, sentences)) < size:
        hedge = draw.choice(HEDGES)
        sentences.append(
            draw.choice(SENTENCES).format(
                speaker=draw.choice(SPEAKERS),
                place=draw.choice(PLACES),
                hedge=hedge,
                hedge_cap=hedge.capitalize(),
                n=draw.randrange(10, 2_000_000),
                m=draw.randrange(11, 99) / 10,
                day=draw.randrange(1, 29),
                age=draw.randrange(5, 90),
                year=draw.randrange(1990, 2026),
                small=draw.randrange(2, 60),
                pct=draw.randrange(1, 100),
            )
        )
    paragraphs = [" ".join(sentences[at : at + 3]) for at in range(0, len(sentences), 3)]
    return "\n\n".join(paragraphs)


NUMBERS = re.compile(r"\d[\d,.]*")


def main(count: int = 1_000) -> None:
    """Time extraction and the bare scan over ``count`` articles."""
    draw = random.Random(7)
    articles = [article(draw) for _ in range(count)]
    megabytes = sum(len(text.encode("utf-8")) for text in articles) / 2**20
    found = sum(len(rc.extract(text, via="Wire")) for text in articles)
    numbers = sum(len(NUMBERS.findall(text)) for text in articles)
    print(f"{count:,} articles, {megabytes:.2f} MB, {numbers:,} numbers, {found:,} figures extracted")
    extract = best(lambda: [rc.extract(text, via="Wire") for text in articles])
    bare = best(lambda: [NUMBERS.findall(text) for text in articles])
    rate = f"{count / extract:,.0f} articles/s, {extract / megabytes:.2f} s/MB"
    print(f"  rc.extract:           {extract:7.3f} s  ({rate})")
    print(f"  bare re.findall:      {bare:7.3f} s  ({bare / megabytes:.4f} s/MB)")
    print(f"  ratio extract / bare: {extract / bare:7.1f} x   (goal: at most 20x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000)
