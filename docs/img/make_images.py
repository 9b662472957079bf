"""Draw the documentation's plots from the Mosul claims: run ``python docs/img/make_images.py``.

Writes ``docs/img/mosul_ranges.png`` (the militants' claims, one set aside, and the consensus),
``docs/img/mosul_all_log.png`` (every quantity on a log axis, where a range from 0 ends in a
break mark) and ``docs/img/mosul_troops_total.png`` (foreign troops against their parts). The claims are
those of the CNN report of 17 October 2016 on the start of the offensive to retake Mosul.
``docs/img/rohingya_timeline.png`` is the timeline of Rohingya arrivals in Bangladesh from the
situation reports and news of 2016 to 2018 (``tests/data/real/rohingya_arrivals_series_2017.csv``).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # draw to files, with no window

import matplotlib.pyplot as plt

import reconcile as rc
from reconcile import plot

HERE = Path(__file__).resolve().parent
CLAIMS = HERE.parent.parent / "examples" / "data" / "mosul_2016_claims.csv"
ARRIVALS = HERE.parent.parent / "tests" / "data" / "real" / "rohingya_arrivals_series_2017.csv"
# Fixed metadata, so the same drawing gives the same bytes and a rebuild leaves git clean.
METADATA = {"Software": None}


def main() -> None:
    """Draw the plots from the claims and write them beside this script."""
    result = rc.reconcile(rc.read_claims(CLAIMS))
    figure, ax = plt.subplots(figsize=(8.0, 2.7), layout="constrained")
    plot.ranges(result, quantities="militants", ax=ax)
    ax.set_title("Militants in Mosul, 17 October 2016 (CNN)", loc="left", fontsize=10, pad=24)
    figure.savefig(HERE / "mosul_ranges.png", dpi=120, metadata=METADATA)

    figure, ax = plt.subplots(figsize=(8.0, 5.6), layout="constrained")
    plot.ranges(result, ax=ax)
    figure.savefig(HERE / "mosul_all_log.png", dpi=120, metadata=METADATA)

    iraq = rc.Source(name="CNN")
    us = rc.parse("about 5,000", counts="troops/us", place="Iraq", as_of="2016-10-17", source=iraq)
    coalition = rc.parse(
        "approximately 3,600", counts="troops/coalition", place="Iraq", as_of="2016-10-17", source=iraq
    )
    figure, ax = plt.subplots(figsize=(8.0, 2.4), layout="constrained")
    plot.total(rc.total([us, coalition], counts="troops/foreign"), ax=ax)
    figure.savefig(HERE / "mosul_troops_total.png", dpi=120, metadata=METADATA)

    arrivals = rc.reconcile(str(ARRIVALS))
    figure, ax = plt.subplots(figsize=(8.0, 4.4), layout="constrained")
    plot.timeline(arrivals, counts="refugees/rohingya/new", place="Bangladesh", ax=ax)
    figure.savefig(HERE / "rohingya_timeline.png", dpi=120, metadata=METADATA)


if __name__ == "__main__":
    main()
    print(f"wrote the plots in {HERE}")
