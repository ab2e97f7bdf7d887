"""The report of :func:`neurosim.gradcheck`: one row per partial, its verdict, and a table.

A :class:`GradientRow` holds what was measured and how it was judged (module docstring of
:mod:`neurosim.gradient_check`); a :class:`GradientReport` holds the rows, says whether any
failed, and prints them under the rule used, with a note under the table for each row that is
not plainly ``ok``. Only the command line prints it.
"""

import difflib
from dataclasses import dataclass
from typing import Optional

from .errors import GradientCheckError, UnknownNameError
from .finite_differences import RESOLUTION
from .numbers import num

__all__ = ["GradientRow", "GradientReport", "STATUSES"]

STATUSES = ("ok", "kink", "unresolved", "FAIL")


@dataclass(frozen=True)
class GradientRow:
    """One checked quantity: its name, both values, their difference, its tolerance and status.

    ``name`` is ``"dE/dw5"``, ``"dE/db1"`` (shared), ``"dE/db_h1"`` (per neuron),
    ``"dE/dout_h1"``, ``"dout/dnet_h1"`` or ``"delta_h1"`` (= dE/dnet_h1). ``status`` is
    ``"ok"``, ``"FAIL"``, ``"kink"`` or ``"unresolved"`` (module docstring). ``numeric`` is the
    central difference at ``step``; ``estimate`` its error estimate (rounding + truncation;
    with ``precise=True`` the oracle's); ``abs_error`` the difference the row is judged by
    (|analytic - numeric|, or - exact; for a kink, the distance to the nearer one-sided
    derivative, 0 between them) and ``tolerance`` the largest that passes; ``score`` their
    ratio. ``left`` and ``right`` are the one-sided derivatives (where the verdict used them).
    With ``precise=True``: ``exact`` (the Decimal oracle), ``truncation`` and ``rounding`` (the
    two parts of ``numeric - exact``). ``note`` explains a kink, an unresolved row, a step
    other than ``eps * max(1, |v|)``, an overflow.
    """

    name: str
    analytic: float
    numeric: float
    abs_error: float
    rel_error: float
    status: str
    exact: Optional[float] = None
    truncation: Optional[float] = None
    rounding: Optional[float] = None
    step: Optional[float] = None
    note: Optional[str] = None
    estimate: Optional[float] = None
    tolerance: Optional[float] = None
    score: Optional[float] = None
    left: Optional[float] = None
    right: Optional[float] = None


class GradientReport:
    """The result of :func:`gradcheck`: ``rows``, ``ok``, ``worst``, and a table as ``str()``.

    ``report["dE/dw5"]`` is one :class:`GradientRow`; iterating gives every row in order
    (weights and biases as ``net.parameter_names()`` lists them, then each neuron's partials).
    """

    def __init__(self, rows, *, eps, rtol, atol, precise, E_total):
        self.rows = list(rows)
        self.eps, self.rtol, self.atol, self.precise = eps, rtol, atol, precise
        #: E_total of the sample at the network's weights (the objective without decay).
        self.E_total = E_total

    def _with(self, status):
        return [r for r in self.rows if r.status == status]

    failures = property(lambda self: self._with("FAIL"),
                        doc="The rows whose analytic value is outside their tolerance.")
    kinks = property(lambda self: self._with("kink"), doc="The rows where E is not "
                     "differentiable and the analytic value is a one-sided slope.")
    unresolved = property(lambda self: self._with("unresolved"), doc="The rows whose "
                          "derivative is below what the differences resolve (not failures).")
    ok = property(lambda self: not self.failures,
                  doc="True when no row failed (kinks and unresolved rows do not count).")
    worst = property(lambda self: max((r.score for r in self.rows), default=0.0),
                     doc="The largest ``score`` = difference / tolerance of any row (0.0 if "
                         "none): a FAIL > 1.")

    def __getitem__(self, name):
        for row in self.rows:
            if row.name == name:
                return row
        names = [r.name for r in self.rows]
        # "w5" or "h1" means the rows about it (dE/dw5; dE/dout_h1, ...); else similar names.
        close = ([n for n in names if n.endswith((f"/d{name}", f"_{name}"))]
                 or difflib.get_close_matches(str(name), names, n=3, cutoff=0.6))
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownNameError(f"no row is named {name!r}{hint}\nrows: {', '.join(names)}")

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    def tolerances(self):
        """Two lines: the rule a row must pass, with the tolerances and the step used."""
        ref = "exact" if self.precise else "numeric"
        estimate = ("the oracle's estimate (rounding at 50 digits + truncation at h = 1e-20)"
                    if self.precise else "estimate (rounding + truncation 2 |D(2h) - D(h)| / 3)")
        return (f"a row fails when |analytic - {ref}| > tolerance = {estimate} + the analytic "
                f"value's rounding + atol + rtol * |{ref}| (rtol={num(self.rtol, 6)}, "
                f"atol={num(self.atol, 6)})\nnumeric = D(h) = (E(v+h) - E(v-h)) / 2h with "
                f"h = eps * max(1, |v|), eps = {num(self.eps, 6)}; unresolved: estimate + the "
                f"analytic value's rounding > {RESOLUTION:.0%} of the derivative")

    def __str__(self):
        counts = {s: len(self._with(s)) for s in STATUSES}
        worst = next((r for r in self.rows if r.score == self.worst), None) if self.worst else None
        head = (f"gradient check: {len(self.rows)} quantities, {counts['ok']} ok, "
                f"{counts['kink']} at a kink, {counts['unresolved']} unresolved, "
                f"{counts['FAIL']} FAIL; worst difference / tolerance {num(self.worst, 2)}"
                + (f" ({worst.name}, {worst.status})" if worst else ""))
        # the oracle's three columns with precise=True
        table = [["name", "analytic", "numeric"]
                 + ["exact", "truncation", "rounding"] * self.precise
                 + ["difference", "estimate", "tolerance", "status"]]
        table += [[r.name, _g(r.analytic), _g(r.numeric)]
                  + [_g(r.exact), _e(r.truncation), _e(r.rounding)] * self.precise
                  + [_e(r.abs_error), _e(r.estimate), _e(r.tolerance), r.status] for r in self.rows]
        return "\n".join([head, self.tolerances()] + align(table) + self._notes(self.rows))

    @staticmethod
    def _notes(rows):
        """One line per distinct note, after the names of the rows it is about."""
        notes = dict.fromkeys(r.note for r in rows if r.note)   # in the order of the rows
        return [f"{', '.join(r.name for r in rows if r.note == note)}: {note}" for note in notes]

    def assert_ok(self):
        """Return None if no row failed; else raise GradientCheckError with the failing rows.

        >>> from neurosim import gradcheck
        >>> from neurosim.worked_examples import mazur, MAZUR_INPUTS, MAZUR_TARGETS
        >>> gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS).assert_ok()
        """
        failures = self.failures
        if not failures:
            return
        ref = "exact" if self.precise else "numeric"
        table = [["name", "analytic", ref, "difference", "tolerance"]]
        # (an exact value that overflowed is None: its difference is shown as -)
        table += [[r.name, _g(r.analytic), _g(getattr(r, ref)),
                   _e(None if None in (r.analytic, getattr(r, ref))
                      else r.analytic - getattr(r, ref)), _e(r.tolerance)] for r in failures]
        raise GradientCheckError("\n".join(
            [f"gradient check failed for {len(failures)} of {len(self.rows)} quantities: "
             + ", ".join(r.name for r in failures), self.tolerances()] + align(table)
            + self._notes(failures)))

    def _repr_html_(self):
        """Jupyter's view: the table, a failing row in red."""
        from .render.notebook import gradient_html
        return gradient_html(self)

    def __repr__(self):
        return (f"<GradientReport ok={self.ok} rows={len(self.rows)} "
                f"failures={len(self.failures)} worst={num(self.worst, 2)}>")


def _g(value):
    return num(value, 12, missing="-")


def _e(value):
    return num(value, 2, exponent=True, missing="-")


def align(table):
    """Rows of cells as aligned lines: the first column left, the others right-aligned."""
    widths = [max(len(row[c]) for row in table) for c in range(len(table[0]))]
    return ["  ".join(cell.ljust(w) if c == 0 else cell.rjust(w)
                      for c, (cell, w) in enumerate(zip(row, widths))).rstrip() for row in table]
