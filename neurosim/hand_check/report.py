"""The report of a check: one row per claim, the first wrong one, and what explains the rest.

``str(report)`` is a table for people; ``report.to_dict()`` (and ``report.to_json()``) the same
for machines. Only the command line prints it.
"""

import json

from ..errors import UnknownNameError
from ..numbers import beyond
from .claims import close_to
from .slips import fmt

__all__ = ["ClaimResult", "CheckReport"]


#: A result's fields, in the order of its JSON object.
_FIELDS = ("name", "label", "printed", "value", "simulated", "difference", "tol", "tol_stated",
           "status", "kind", "explanation", "follows", "holds_under")


class ClaimResult:
    """One claim, judged: ``status`` is ``"right"``, ``"rounding"`` (the rounding a hand
    calculation carries) or ``"wrong"``; ``kind`` and ``explanation`` say why a claim that is
    not right is what it is (``"consequence"``, ``"slip"``, ``"rule"``, ``"steps"``,
    ``"typo"``, ``"carried"``, ``"unexplained"``); ``follows`` names the claims involved."""

    def __init__(self, claim, simulated, tol, status, kind=None, explanation="", follows=(),
                 holds_under=()):
        self.claim, self.name, self.label = claim, claim.name, claim.label
        self.printed, self.value, self.simulated, self.tol = claim.text, claim.value, simulated, tol
        self.status, self.kind, self.explanation = status, kind, explanation
        self.follows, self.holds_under = tuple(follows), list(holds_under)

    @property
    def ok(self):
        return self.status != "wrong"

    @property
    def difference(self):
        """printed - simulated."""
        return self.value - self.simulated

    @property
    def tol_stated(self):
        """True when the claims stated the tolerance (``name = value ± tol``), False when the
        printed digits set it. An autograder may refuse stated ones: ``± 1e300`` passes anything."""
        return self.claim.tol is not None

    def to_dict(self):
        return {**{k: getattr(self, k) for k in _FIELDS}, "follows": list(self.follows)}

    def __repr__(self):
        return f"<claim {self.name} = {self.printed}: {self.status}>"


class CheckReport:
    """The result of :func:`neurosim.check`: ``results`` (a :class:`ClaimResult` per claim, in
    the order of the calculation), ``first_wrong``, ``consequences`` (later claims wrong only
    because the first wrong one was carried forward), ``slips`` (what the diagnosis found:
    ``{"text", "found_at", "explains", "breaks", "alternatives"}``), ``givens`` (the values the
    claims set: inputs, targets, weights, biases, by name), ``ok``."""

    def __init__(self, results, *, source, network, inputs, targets, learning_rate,
                 slips=(), notes=(), consequences=(), givens=None):
        self.results, self.source, self.network = list(results), source, network
        self.inputs, self.targets, self.learning_rate = list(inputs), list(targets), learning_rate
        self.slips, self.notes, self.consequences = list(slips), list(notes), list(consequences)
        self.first_wrong = next((r for r in self.results if r.status == "wrong"), None)
        self.givens = dict(givens or {})

    @property
    def ok(self):
        """True when every claim holds (right, or off only by carried rounding)."""
        return all(r.ok for r in self.results)

    @property
    def wrong(self):
        return [r for r in self.results if r.status == "wrong"]

    def __getitem__(self, name):
        found = next((r for r in self.results if r.name == name), None)
        if found is not None:
            return found
        names = [r.name for r in self.results]
        hint = close_to(str(name), names) or \
            f"; claims: {', '.join(names[:8])}{', ...' if len(names) > 8 else ''}"
        raise UnknownNameError(f"no claim is named {name!r} in this report{hint}")

    def counts(self):
        return {status: sum(r.status == status for r in self.results)
                for status in ("right", "rounding", "wrong")}

    def to_dict(self):
        return {"ok": self.ok, "source": self.source, "network": self.network,
                "inputs": self.inputs, "targets": self.targets,
                "learning_rate": self.learning_rate, "givens": self.givens,
                "counts": self.counts(),
                "first_wrong": self.first_wrong.name if self.first_wrong else None,
                "consequences": self.consequences,
                "claims": [r.to_dict() for r in self.results],
                "slips": self.slips, "notes": self.notes}

    def to_json(self, indent=2):
        """:meth:`to_dict` as JSON. A number past the float range (the simulator's value when
        the network overflows, or a difference beyond 1.8e308) is ``null``: JSON has no inf."""
        finite = json.loads(json.dumps(self.to_dict()), parse_constant=lambda _: None)
        return json.dumps(finite, indent=indent, ensure_ascii=False)

    def __str__(self):
        counts, n, first = self.counts(), len(self.results), self.first_wrong
        parts = [f"{counts['right']} right", f"{counts['rounding']} within carried rounding",
                 f"{counts['wrong']} wrong"]   # the rounding only when there is some
        lines = [f"{self.source}: {n} claim{'' if n == 1 else 's'}, "
                 f"{', '.join(p for p in parts if not p.startswith('0 within'))}",
                 f"network {self.network}, inputs {_list(self.inputs)}, targets "
                 f"{_list(self.targets)}, learning rate {fmt(self.learning_rate)}"]
        if self.givens:
            lines.append("given by the claims: " + ", ".join(
                f"{name} = {fmt(value)}" for name, value in self.givens.items()))
        rows = [("claim", "printed", "neurosim", "difference", "")] + [(
            r.name, f"{r.printed} ± {fmt(r.claim.tol)}" if r.tol_stated else r.printed,
            beyond(r.simulated, r.printed), f"{r.difference:+.2g}" if r.difference else "0",
            ("WRONG" if r.status == "wrong" else r.status)
            + ("  <- first wrong claim" if r is first else "")
            + (f"  # {r.label}" if r.label else "")) for r in self.results]
        widths = [max(len(row[k]) for row in rows) for k in range(4)]
        lines += [""] + [("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths))
                          + "  " + row[4]).rstrip() for row in rows] + [""]
        if first is None:
            lines.append("every claim holds.")
        else:
            lines.append(f"first wrong claim: {first.name} = {first.printed} (neurosim: "
                         f"{beyond(first.simulated, first.printed)})")
            if self.consequences:
                lines.append(f"wrong only as its consequences (its value carried forward): "
                             f"{', '.join(self.consequences)}")
        explained = [r for r in self.results if r.status != "right" and r.explanation]
        if explained:
            width = min(24, max(len(r.name) for r in explained))
            lines += ["", "why:"] + [f"  {r.name.ljust(width)}  {r.explanation}"
                                     for r in explained]
        return "\n".join(lines + [f"note: {note}" for note in self.notes])

    def _repr_html_(self):
        """Jupyter's view: the claims, the first wrong one marked, and why."""
        from ..render.notebook import check_html
        return check_html(self)

    def __repr__(self):
        return (f"<CheckReport {self.source}: {len(self.results)} claims, "
                f"{len(self.wrong)} wrong>")


def _list(values):
    return "[" + ", ".join(fmt(v) for v in values) + "]"
