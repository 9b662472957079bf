"""Relations across quantities: tightened ranges, derived totals, and the claims behind a violation.

Figures come in families: U.S. troops plus coalition troops make the foreign troops; those
who fled are those still displaced plus those who returned; a part is never more than its
whole. A :class:`Relation` says so in a line of text (``"troops/foreign = troops/us +
troops/coalition"``), and :func:`reconcile.reconcile` uses relations after its per-quantity
consensus:

- every estimate's range is **tightened** to what all relations and all ranges together
  allow (``low_tight`` / ``high_tight`` in the estimates table);
- quantities that no claim gives are **derived** into a totals table, with the sound
  interval, a probabilistic 90% interval beside it, and the claims and relations behind
  each row;
- a relation that no values inside the ranges can satisfy becomes a **conflict** of kind
  ``relation``, naming a set of claims that cannot all be right, and from which no claim
  can be dropped without the rest becoming satisfiable.

:func:`adjust` finds, instead, the values closest to the claims that satisfy the equality
relations exactly (weighted least squares), and tests the claims against them.
:func:`read_relations` reads a relations file (one relation a line, figures defined by name),
as ``reconcile check --relations`` does. :func:`apply` is
the relations step of :func:`reconcile.reconcile`, on what :func:`reconcile.consensus.estimate`
found for each quantity.
"""

from reconcile.relations.adjustment import Adjustment, adjust
from reconcile.relations.file import read_relations
from reconcile.relations.related import apply
from reconcile.relations.text import Relation, Term

__all__ = ["Adjustment", "Relation", "Term", "adjust", "apply", "read_relations"]
