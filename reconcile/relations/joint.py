"""Joint reconciliation: the voices set aside are chosen across quantities, so the relations hold.

Per quantity, consensus keeps the heaviest set of voices whose ranges share a point, without
looking at the other quantities. Where relations tie quantities together, that can keep a
voice the relations rule out, or leave a tie that the relations would decide: of two reports
of people who returned, "more than 220,000" and "nearly 200,000", only the first fits those
who fled (1,048,044) minus those still displaced (825,000).

:func:`choose` looks again at each connected system of relations where the per-quantity
choice fails (no values satisfy the relations) or leaves a tie (status ``unresolved``), and
keeps the voices that together carry the most weight while every relation can hold, every
quantity keeping at least one voice: a maximum feasible subsystem. The method is exact:

1. a **master problem** over one 0/1 variable per voice (kept or not) maximises the kept
   weight, solved by HiGHS as a mixed-integer program (:func:`scipy.optimize.milp`); it
   starts from the pairs of voices of one quantity whose ranges share no point;
2. the voices it keeps are tested against the relations (propagation, and HiGHS where the
   system has cycles); if no values satisfy them, a deletion filter finds an irreducible set
   of those voices, and the master problem learns that they cannot all be kept (a
   combinatorial Benders cut, as Codato and Fischetti set it out);
3. the first choice that the relations allow is optimal, as every choice the master problem
   prefers has been ruled out. The search goes on for other choices of the same weight: a
   voice that is kept in some of them and not in others is not decided by weight, and its
   quantity keeps what consensus chose on its own (as the voices rule leaves a tie
   unresolved); the relations step then reports the conflict.

Each voice set aside is named with the claims and the relations it cannot be kept with: an
irreducible set of voices holding it, then the fewest of the system's relations that still
rule them out. The cost is one small mixed-integer program and one feasibility test per cut,
for each system in trouble only; systems where the per-quantity choice holds are untouched.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from reconcile import _propagate as prop
from reconcile._sweep import weighted_median
from reconcile._wording import format_ranges
from reconcile.consensus import Consensus, VoiceRanges
from reconcile.relations.subsystem import decide, holds, part_of, why
from reconcile.relations.system import Built
from reconcile.schemas import Conflicts, ReconciledClaims, check_built

__all__ = ["Choice", "choose", "set_aside_outside"]


class Choice(NamedTuple):
    """What joint reconciliation changed.

    Attributes:
        found: the per-quantity result with the voices chosen across quantities: claims
            kept and set aside, estimates of the quantities whose voices changed, and the
            conflicts of kind ``relation`` that name each voice set aside.
        changed: per estimate, whether its voices changed.

    """

    found: Consensus
    changed: np.ndarray


def choose(found: Consensus, built: Built, parts: prop.Components, infeasible: np.ndarray) -> Choice:
    """Choose the voices to keep across each system of relations where the per-quantity choice fails.

    Args:
        found: the per-quantity result, with its voices (:class:`reconcile.consensus.VoiceRanges`).
        built: the relations as one system over the estimates (variables ``0 .. n_estimates - 1``).
        parts: the system's connected components.
        infeasible: per component, whether no values in the estimates' ranges satisfy it.

    Returns:
        A :class:`Choice`: the result with the voices chosen, and the estimates changed.

    Examples:
        >>> import reconcile as rc
        >>> from reconcile.consensus import estimate
        >>> from reconcile.relations import apply
        >>> claims = rc.to_claims([
        ...     rc.Figure.exact(1_048_044, counts="fled", source="IOM"),
        ...     rc.Figure.exact(825_000, counts="displaced", source="UNHCR"),
        ...     rc.Figure.at_least(220_000, counts="returned", source="Reuters"),
        ...     rc.Figure.between(180_000, 200_000, counts="returned", source="AFP"),
        ... ])
        >>> related = apply(estimate(claims, key=("counts",)), ["fled = displaced + returned"], True)
        >>> related.estimates[["counts", "low_tight", "high_tight", "status"]]
              counts  low_tight  high_tight  status
        0  displaced   825000.0    825000.0  single
        1       fled  1048044.0   1048044.0  single
        2   returned   223044.0    223044.0  conflict
        >>> print(related.claims.loc[3, "reason"])
        does not fit fled = displaced + returned with c1 and c2 (C2)

        AFP's range is set aside, naming what it cannot be kept with; without relations
        the two reports of returns would be a tie (status ``unresolved``).

    """
    voices = found.voices
    n_est = built.n_estimates
    unchanged = Choice(found, np.zeros(n_est, dtype=bool))
    if voices is None or found.policy not in ("consensus", "conservative") or not len(voices.estimate):
        return unchanged
    has_rows = np.bincount(parts.of_row, minlength=parts.count) > 0
    has_rows |= np.bincount(parts.of_link, minlength=parts.count) > 0
    status = found.estimates["status"].to_numpy(dtype=object)
    troubled = infeasible.copy()
    troubled[parts.of_var[:n_est][status == "unresolved"]] = True
    troubled &= has_rows
    voice_component = parts.of_var[voices.estimate]
    candidates = np.flatnonzero(voices.candidate & troubled[voice_component])
    if not len(candidates):
        return unchanged
    kept = voices.kept.copy()
    reasons: list[tuple[int, np.ndarray, np.ndarray]] = []  # (voice, others held, relations)
    for component in np.unique(voice_component[candidates]).tolist():  # the systems in trouble only
        members = candidates[voice_component[candidates] == component]
        ranges = (voices.estimate[members], voices.low[members], voices.high[members])
        part = part_of(built, parts, component, members, ranges)
        decision = decide(part, voices.weight[members])
        if decision is None:
            continue
        best, decided = decision
        # A quantity with a voice that weight does not decide keeps its own choice.
        settled = ~np.isin(part.quantity, part.quantity[~decided])
        chosen = np.where(settled, best, voices.kept[members])
        if not settled.all() and not holds(part, chosen & voices.candidate[members]):
            continue  # what weight decides does not hold beside what it leaves: the system keeps its own
        kept[members[settled]] = best[settled]
        for v in np.flatnonzero(settled & ~best & voices.kept[members]).tolist():
            reasons.append((int(members[v]), *why(part, best, v)))
    changed_voice = kept != voices.kept
    if not changed_voice.any():
        return unchanged
    return _apply(found, voices, kept, changed_voice, reasons, built)


class _SetAside(NamedTuple):
    """A claim set aside (the one that states its voice's range), and what it cannot be kept with."""

    row: int
    low: float
    high: float
    others: list[tuple[int, float, float]]  # (claim row, low, high) of each claim held with it
    relations: np.ndarray  # the relations (indices into built.relation_texts) that rule it out


def _worded(
    found: Consensus, items: list[_SetAside], built: Built, because: str | list[str]
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The conflict rows (kind ``relation``), each claim's reason, and each conflict's id."""
    claims, key = found.claims, found.key
    claim_ids = claims["claim_id"].astype(str).to_numpy(dtype=object)
    counts = claims["counts"].astype(str).to_numpy(dtype=object)
    texts = np.array(built.relation_texts, dtype=object)
    number = found.conflicts["conflict_id"].nunique()
    rows, reasons, names = [], [], []
    for k, item in enumerate(items):  # one per claim set aside: a handful
        name = f"C{number + k + 1}"
        named = " and ".join(dict.fromkeys(texts[item.relations].tolist()))
        members = [*item.others, (item.row, item.low, item.high)]
        row, low, high = (np.array(column) for column in zip(*members, strict=True))
        said = claim_ids[row] + ": " + counts[row] + " " + format_ranges(low, high)
        message = "; ".join(said.tolist()) + f"; no values in these ranges satisfy {named}"
        said_why = because if isinstance(because, str) else because[k]
        message += f"; {claim_ids[item.row]} {said_why}"
        with_whom = " and ".join(claim_ids[row[:-1]].tolist())
        reasons.append(f"does not fit {named} with {with_whom} ({name})")
        names.append(name)
        rows += [(name, member, message) for member in row.tolist()]
    if not rows:
        return found.conflicts.iloc[:0], reasons, names
    ids, claim_row, messages = (np.array(column, dtype=object) for column in zip(*rows, strict=True))
    added = pd.concat(
        [
            pd.DataFrame({"conflict_id": ids, "kind": "relation"}, dtype="str"),
            claims[["claim_id", *key]].iloc[claim_row.astype(np.intp)].reset_index(drop=True),
            pd.DataFrame({"message": messages}, dtype="str"),
        ],
        axis=1,
    )
    return added, reasons, names


def _apply(
    found: Consensus,
    voices: VoiceRanges,
    kept: np.ndarray,
    changed_voice: np.ndarray,
    reasons: list[tuple[int, np.ndarray, np.ndarray]],
    built: Built,
) -> Choice:
    """The claims, estimates and conflicts once the voices ``kept`` are chosen."""
    claims, estimates = found.claims, found.estimates
    n_est = len(estimates)
    items = [
        _SetAside(
            int(voices.speaker[v]),
            float(voices.low[v]),
            float(voices.high[v]),
            [(int(voices.speaker[o]), float(voices.low[o]), float(voices.high[o])) for o in others.tolist()],
            relations,
        )
        for v, others, relations in reasons
    ]
    because = "is set aside, as keeping it would set aside more weight"
    added, said_why, named = _worded(found, items, built, because)
    reason_of = {v: why for (v, _, _), why in zip(reasons, said_why, strict=True)}
    conflict_of = {v: name for (v, _, _), name in zip(reasons, named, strict=True)}
    claim_ids = claims["claim_id"].astype(str).to_numpy(dtype=object)
    # Claims: those that stand go with their voice.
    stands = voices.stands
    new_kept = stands & kept[voices.of_claim]
    reason = claims["reason"].astype(object).to_numpy(dtype=object).copy()
    conflict_id = claims["conflict_id"].astype(object).to_numpy(dtype=object).copy()
    changed = np.bincount(voices.estimate[changed_voice], minlength=n_est) > 0
    # The claims of every voice of a quantity whose voices changed (a tie's reason goes too).
    moved = np.flatnonzero(stands & changed[voices.estimate[voices.of_claim]])
    tied = estimates["status"].to_numpy(dtype=object) == "unresolved"
    for row in moved.tolist():  # the claims of the voices that changed
        v = int(voices.of_claim[row])
        if kept[v] and (not voices.kept[v] or tied[voices.estimate[v]]):  # newly kept, or a tie decided
            retold = row != voices.speaker[v]
            reason[row] = f"repeats {claim_ids[voices.speaker[v]]}" if retold else ""
        else:
            reason[row] = reason_of.get(v, reason[row])
            conflict_id[row] = conflict_of.get(v, conflict_id[row])
    new_claims = claims.assign(
        kept=new_kept,
        reason=pd.Series(reason, index=claims.index, dtype="str"),
        conflict_id=pd.Series(conflict_id, index=claims.index, dtype="str"),
    )
    # Estimates of the quantities whose voices changed: the meet of their kept voices.
    live = np.flatnonzero(kept & changed[voices.estimate])
    group = voices.estimate[live]
    low = pd.Series(voices.low[live]).groupby(group).max().reindex(range(n_est)).to_numpy()
    high = pd.Series(voices.high[live]).groupby(group).min().reindex(range(n_est)).to_numpy()
    if found.policy == "conservative":
        value = pd.Series(voices.value[live]).groupby(group).min().reindex(range(n_est)).to_numpy()
    else:
        v_low, v_value, v_high = voices.low[live], voices.value[live], voices.high[live]
        votes = ((v_low < v_value) & (v_value < v_high)) | (v_low == v_high)
        has_vote = np.bincount(group[votes], minlength=n_est) > 0
        votes |= ~has_vote[group]
        value = weighted_median(group[votes], v_value[votes], voices.weight[live][votes], n_est)
    set_aside = np.bincount(voices.estimate[voices.candidate & ~kept], minlength=n_est) > 0
    status = estimates["status"].to_numpy(dtype=object)
    single = estimates["n_voices"].to_numpy() == 1 if "n_voices" in estimates else np.zeros(n_est, dtype=bool)
    new_status = np.where(
        set_aside, "conflict", np.where(status == "unresolved", np.where(single, "single", "agreed"), status)
    )
    est_low = np.where(changed, low, estimates["low"].to_numpy(float))
    est_high = np.where(changed, high, estimates["high"].to_numpy(float))
    est_value = np.clip(np.where(changed, value, estimates["value"].to_numpy(float)), est_low, est_high)
    n_kept = np.bincount(voices.estimate[voices.of_claim[new_kept]], minlength=n_est)
    new_estimates = estimates.assign(
        low=est_low,
        value=est_value,
        high=est_high,
        n_kept=np.where(changed, n_kept, estimates["n_kept"].to_numpy()),
        status=np.where(changed, new_status, status),
    )
    for column in ("low_tight", "high_tight"):
        if column in new_estimates:
            new_estimates[column] = np.where(
                changed, new_estimates[column.replace("_tight", "")], new_estimates[column]
            )
    conflicts = found.conflicts
    if len(added):
        conflicts = check_built(Conflicts, pd.concat([conflicts, added], ignore_index=True))
    return Choice(
        found._replace(
            claims=check_built(ReconciledClaims, new_claims),
            estimates=new_estimates,
            conflicts=conflicts,
            voices=voices._replace(kept=kept),
        ),
        changed,
    )


def set_aside_outside(
    found: Consensus, built: Built, parts: prop.Components, low_tight: np.ndarray, high_tight: np.ndarray
) -> Consensus:
    """Set aside each kept claim whose range lies outside what the relations allow its quantity.

    A voice is kept whole, but one of its retellings can still say what the relations rule
    out: of IOM's figures for returns passed on by two agencies, "more than 220,000" and
    "nearly 200,000", the voice's range holds both, and only the first fits those who fled
    minus those still displaced. Such a claim is set aside, with a conflict of kind
    ``relation`` naming the claims and the fewest relations that rule it out; its voice and
    its quantity's estimate stay. Claims in another unit than their quantity's are left as
    they are (their ranges would need converting outward first).

    Args:
        found: the result once the voices are chosen (:func:`choose`).
        built: the relations as one system over the estimates.
        parts: the system's connected components.
        low_tight: per estimate, the low end the relations allow (NaN where they allow none).
        high_tight: per estimate, the high end.

    Returns:
        ``found`` with those claims set aside, and the estimates' ``n_kept`` and ``status``.

    Examples:
        >>> import reconcile as rc
        >>> claims = rc.to_claims([
        ...     rc.Figure.exact(1_048_044, counts="fled", source="IOM"),
        ...     rc.Figure.exact(825_000, counts="displaced", source="IOM"),
        ...     rc.parse("more than 220,000", counts="returned", source="IOM", via="Efe"),
        ...     rc.parse("nearly 200,000", counts="returned", source="IOM", via="AFP"),
        ... ])
        >>> result = rc.reconcile(claims, key=("counts",), relations=["fled = displaced + returned"])
        >>> result.claims[["claim_id", "kept"]].to_numpy().tolist()
        [['c1', True], ['c2', True], ['c3', True], ['c4', False]]

    """
    voices = found.voices
    if voices is None or found.policy not in ("consensus", "conservative"):
        return found
    claims, estimates = found.claims, found.estimates
    estimate = voices.estimate[voices.of_claim]
    has_rows = np.bincount(parts.of_row, minlength=parts.count) > 0
    low, high = claims["low"].to_numpy(float), claims["high"].to_numpy(float)
    tight_low, tight_high = low_tight[estimate], high_tight[estimate]
    margin = 1e-9 * np.maximum(1.0, np.abs(np.nan_to_num(np.r_[tight_low, tight_high], posinf=0, neginf=0)))
    with np.errstate(invalid="ignore"):
        apart = (high < tight_low - margin[: len(low)]) | (low > tight_high + margin[len(low) :])
    same_unit = claims["unit"].to_numpy(dtype=object) == estimates["unit"].to_numpy(dtype=object)[estimate]
    outside = np.flatnonzero(
        claims["kept"].to_numpy(dtype=bool) & apart & same_unit & has_rows[parts.of_var[estimate]]
    )
    if not len(outside):
        return found
    voice_component = parts.of_var[voices.estimate]
    holding = voices.kept & voices.candidate
    items, rows = [], []
    for row in outside.tolist():  # the claims the relations rule out: a handful
        component = int(parts.of_var[estimate[row]])
        members = np.flatnonzero(holding & (voice_component == component))
        ranges = (
            np.r_[voices.estimate[members], estimate[row]],
            np.r_[voices.low[members], low[row]],
            np.r_[voices.high[members], high[row]],
        )
        part = part_of(built, parts, component, np.r_[members, -1], ranges)
        best = np.r_[np.ones(len(members), dtype=bool), False]
        if holds(part, ~best | best):  # (the margin above: not quite outside after all)
            continue
        others, relations = why(part, best, len(members))
        held = [
            (int(voices.speaker[o]), float(voices.low[o]), float(voices.high[o])) for o in others.tolist()
        ]
        items.append(_SetAside(row, float(low[row]), float(high[row]), held, relations))
        rows.append(row)
    if not items:
        return found
    at = np.array(rows, dtype=np.intp)
    # A claim is set aside where another claim of its voice fits; a voice none of whose claims
    # fits (kept in a tie that no weight decides) keeps them, and the conflict names them.
    fits = claims["kept"].to_numpy(dtype=bool) & ~apart
    retold = (np.bincount(voices.of_claim[fits], minlength=len(voices.estimate)) > 0)[voices.of_claim[at]]
    because = np.where(
        retold,
        "is set aside, as it says what the relations rule out while its source's range is kept",
        "stays kept, as no set of sources outweighs the others",
    )
    added, reasons, names = _worded(found, items, built, because.tolist())
    at, reasons, names = (
        at[retold],
        np.array(reasons, dtype=object)[retold],
        np.array(names, dtype=object)[retold],
    )
    kept = claims["kept"].to_numpy(dtype=bool).copy()
    kept[at] = False
    reason = claims["reason"].astype(object).to_numpy(dtype=object).copy()
    conflict_id = claims["conflict_id"].astype(object).to_numpy(dtype=object).copy()
    reason[at], conflict_id[at] = reasons, names
    new_claims = claims.assign(
        kept=kept,
        reason=pd.Series(reason, index=claims.index, dtype="str"),
        conflict_id=pd.Series(conflict_id, index=claims.index, dtype="str"),
    )
    touched = np.bincount(estimate[at], minlength=len(estimates)) > 0
    new_estimates = estimates.assign(
        n_kept=estimates["n_kept"].to_numpy() - np.bincount(estimate[at], minlength=len(estimates)),
        status=np.where(touched, "conflict", estimates["status"].to_numpy(dtype=object)),
    )
    return found._replace(
        claims=check_built(ReconciledClaims, new_claims),
        estimates=new_estimates,
        conflicts=check_built(Conflicts, pd.concat([found.conflicts, added], ignore_index=True)),
    )
