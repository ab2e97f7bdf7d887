"""Judging each claim of one step, and explaining the wrong ones by re-running the step.

Judging, claim by claim in the order of the hand calculation:

* **right**: within its tolerance of the simulator's value. The tolerance is half a unit of the
  last printed digit, plus the rounding the calculation carries: the same step recomputed from
  the *printed* values of the right claims before it (a hand calculation goes on from what it
  wrote down) may land elsewhere, and that distance is allowed too.
* **rounding**: outside that tolerance, but it follows when one unprinted intermediate is
  rounded to the claim's own digits (Mazur's dE_o2/dout_h1 = -0.019049119 is delta_o2, which
  the post computes but does not print, rounded to 9 decimals, -0.038098237, times w7 = 0.5,
  rounded half up). Not a fault. Only for a claim printed to at least
  :data:`MIN_ROUNDING_DIGITS` significant digits: rounding every intermediate to one digit
  (``E_total = 1`` for 0.298) is no calculation, and an autograder must not pass it.
* **wrong**: anything else.

Explaining the wrong claims, first to last, each by the first of:

1. **consequence**: it holds once the earlier wrong claims it is computed from are carried
   forward with their printed values (``force`` them in the graph);
2. it holds under the slips already found for earlier claims;
3. **a new slip**: the step recomputed under each alternative rule (:mod:`.graph`), with each
   given read differently (every single-digit change, a power of ten, the sign, swapped digits,
   a neighbour's value; everywhere or in one formula only), and with each intermediate replaced
   by the value the claim implies, when that value is a small slip of the right one (a digit,
   a zero, the sign, a factor 2, f for f'); the candidate that makes the most wrong claims hold
   while breaking the fewest right ones is kept, and carried on to the claims after it. A
   candidate that is no recognisable slip (an arbitrary value) is kept only when it explains
   more than the claim and what is computed from it;
4. **carried**: the claim itself is the slip, and later wrong claims follow from it;
5. **typo**: the figures computed from it follow the right value instead (or nothing printed
   depends on it and it differs by one digit, two swapped digits, a zero or the sign);
6. **unexplained**, with the alternative rules under which it would hold.
"""

import math
from collections import namedtuple

from .graph import Graph
from .search import rule_variants, search
from .slips import difference, fmt, round_to

__all__ = ["StepDiagnosis", "Verdict", "MAX_SEARCHES", "MIN_ROUNDING_DIGITS"]

#: A claim counts as off only by carried rounding when it prints at least this many
#: significant digits. Its distance from the exact value is already capped at 10 units of its
#: last digit; with 3 digits printed that is at most a tenth of the value (with 1 digit, 0.5
#: for 0.3: anything goes).
MIN_ROUNDING_DIGITS = 3

#: At most this many wrong claims get a full search for their slip (each takes a few hundred
#: recomputations of the step): the diagnosis stays within a second or two.
MAX_SEARCHES = 12


#: Why a wrong claim is wrong: ``kind`` (consequence, slip, rule, carried, typo,
#: unexplained), a ``text``, the ``scenario`` that explains it, the claim ``names`` involved
#: and the ``value`` the calculation should have had.
Verdict = namedtuple("Verdict", "kind text scenario names value", defaults=("", None, (), None))


class StepDiagnosis:
    """Judge and explain the claims of one step. ``claims`` are canonical step claims.

    After construction: ``status[name]``, ``tol[name]``, ``note[name]`` (rounding), and after
    :meth:`explain`: ``verdict[name] = (kind, text, scenario, names)``, ``accepted`` scenarios
    and ``holds_under[name]`` (rule texts under which a wrong claim holds).
    """

    def __init__(self, structure, claims, simulated, order):
        self.structure = structure
        # Every recomputation follows the book's formulas as written (out (1 - out)).
        self.graph = Graph(structure, structure.rules.but(as_written=True))
        self.claims = sorted(claims, key=lambda c: order[c.name])
        self.claim_of = {c.name: c for c in self.claims}
        self.sim = simulated
        self.status, self.tol, self.note, self.verdict, self.holds_under = {}, {}, {}, {}, {}
        self.notes, self.consequences, self.accepted = [], [], []
        self._graphs = {self.graph.rules: self.graph}
        self._judge()

    # -- judging ---------------------------------------------------------------------------------

    def holds(self, claim, values, tol=None):
        return within(claim, values.get(claim.name),
                      self.tol.get(claim.name, claim.half) if tol is None else tol)

    def _judge(self):
        carried = {}  # the printed values of the claims that hold so far
        for c in self.claims:
            sim = self.sim[c.name]
            # Without a stated tolerance, the claim recomputed from the printed values before
            # it, as the book does it (f' as written: out (1 - out)): its rounding is no slip.
            self.tol[c.name] = c.tol if c.tol is not None else \
                c.half + abs(self.graph.evaluate(force=carried)[c.name] - sim)
            if self.holds(c, {c.name: sim}):
                self.status[c.name] = "right"
            elif c.tol is None and (rounded := self._rounding(c, carried)):
                self.status[c.name], self.note[c.name] = "rounding", rounded
            else:
                self.status[c.name] = "wrong"
                continue
            carried[c.name] = c.value

    def _rounding(self, c, carried):
        """The unprinted intermediate whose rounding to the claim's digits gives the claim."""
        if c.significant < MIN_ROUNDING_DIGITS or abs(c.value - self.sim[c.name]) > 20 * c.half:
            return None
        g = self.graph
        base = g.evaluate(force=carried)
        ops, layer = [], [c.name]
        for _ in range(3):  # up to three formulas back, through unprinted quantities only
            layer = list(dict.fromkeys(op for name in layer for op in g.nodes[g.index[name]][2]
                                       if op in g.index and op not in self.claim_of
                                       and op not in ops))
            ops += layer
        digits = (dict(decimals=c.decimals), dict(significant=c.significant))
        for op, kept in [(op, kept) for op in ops for kept in digits] + [(None, k) for k in digits]:
            if op is None:  # then every intermediate rounded to the printed digits
                v = g.evaluate(force=carried, rounding=lambda x: round_to(x, **kept))[c.name]
            else:
                x = round_to(base[op], **kept)
                v = g.evaluate(force={**carried, op: x}, env=base,
                               only=g.between([op], c.name))[c.name]
            if within(c, v, c.half):
                return (f"{op} rounded to {fmt(x, 12)} before use" if op else "every "
                        "intermediate rounded to the printed digits") + \
                    f" (rounding carried; exact {fmt(self.sim[c.name], 12)})"
        return None

    # -- explaining ------------------------------------------------------------------------------

    def graph_for(self, rules):
        if rules not in self._graphs:
            self._graphs[rules] = Graph(self.structure, rules)
        return self._graphs[rules]

    def explain(self):
        """Give every wrong claim a :class:`Verdict` (see the module docstring)."""
        wrong = [c for c in self.claims if self.status[c.name] == "wrong"]
        right = [c for c in self.claims if self.status[c.name] == "right"]
        g = self.graph
        for rules, text in rule_variants(g.rules, self.structure):
            values = self.graph_for(rules).evaluate()  # which wrong figures follow which rule
            held = [c for c in wrong if self.holds(c, values)]
            breaks = tuple(r.name for r in right if not self.holds(r, values)) if held else ()
            for c in held:
                self.holds_under.setdefault(c.name, []).append((text, breaks))
        # the later claims wrong only because the first wrong one was carried forward
        self.consequences = [w.name for w in wrong[1:] if w.name in g.descendants([wrong[0].name])
                             and self._follows(w, wrong[:1], g, {}, {})]
        force, use = {}, {}
        base = g.evaluate()
        searches = 0
        for k, c in enumerate(wrong):
            earlier = [w for w in wrong[:k] if w.name in g.ancestors(c.name)]
            if earlier and self._follows(c, earlier, g, force, use):
                self.verdict[c.name] = Verdict("consequence", names=_nearest(g, earlier))
                continue
            if self.holds(c, base):  # under the slips found so far
                scenario = next((s for s in self.accepted if c.name in s.explains), None)
                above = tuple(w.name for w in earlier if not self.holds(w, base)
                              and w.name not in force)
                self.verdict[c.name] = Verdict(scenario.kind if scenario else "slip",
                                               scenario=scenario, names=above)
                continue
            printed = g.evaluate(force={**force, c.name: c.value}, use=use)
            below = g.descendants([c.name])
            consequences = [w.name for w in wrong[k + 1:]
                            if w.name in below and self.holds(w, printed)]
            best = None
            if searches < MAX_SEARCHES:
                searches += 1
                best = search(self, c, g, force, use, base, wrong[k:], consequences)
            elif not self.notes:
                self.notes.append(f"the search for slips stopped after {MAX_SEARCHES} wrong "
                                  f"claims that needed one; later ones are judged by their "
                                  f"own digits only")
            if best is not None:
                best.found_at = c.name
                self.accepted.append(best)
                if best.rules is not None:
                    g = self.graph_for(best.rules)
                force.update(best.force)
                use.update(best.use)
                base = g.evaluate(force=force, use=use)
                self.verdict[c.name] = Verdict(best.kind, scenario=best)
                continue
            self.verdict[c.name] = self._own(c, base, printed, below, consequences)

    def _own(self, c, base, printed, below, consequences):
        """The verdict on a wrong claim no slip explains: the figures computed from it follow
        its printed value (carried), or the right one (typo), or neither."""
        expected = base[c.name]
        how = difference(c.text, expected)
        later = [x for x in self.claims if x.name in below]
        broken = [x.name for x in later if self.holds(x, base) and not self.holds(x, printed)]
        if consequences:
            return Verdict("carried", how, names=consequences)
        if broken:
            return Verdict("typo", how, names=broken, value=expected)
        if not how.startswith("digits") and not any(
                self.holds(x, printed) and not self.holds(x, base) for x in later):
            return Verdict("typo", how, value=expected)
        return Verdict("rule") if c.name in self.holds_under else \
            Verdict("unexplained", how, value=expected)

    def _follows(self, c, earlier, g, force, use):
        """Whether ``c`` holds once the ``earlier`` wrong claims are carried forward with their
        printed values (on top of ``force`` and ``use``), give or take how far their printed
        rounding (half a unit each) can move it: sum of |c(x + half) - c(x)|."""
        carried = {**force, **{w.name: w.value for w in earlier}}
        values = g.evaluate(force=carried, use=use)
        moved = 0.0 if c.tol is not None else sum(
            abs(g.evaluate(force={**carried, w.name: w.value + w.half}, use=use, env=values,
                           only=g.between([w.name], c.name))[c.name] - values[c.name])
            for w in earlier)
        return self.holds(c, values, self.tol[c.name] + moved)


def _nearest(g, claims):
    """Of these claims, the ones no other one of them is computed from: the nearest wrong
    figures a claim follows from."""
    names = [w.name for w in claims]
    return tuple(n for n in names if not any(n in g.ancestors(m) for m in names if m != n))


def within(claim, value, tol):
    """Whether ``value`` is a finite number within ``tol`` of the claim (and the last bits)."""
    return value is not None and math.isfinite(value) and \
        abs(claim.value - value) <= tol + slack(claim, value)


def slack(claim, value):
    """Room for the last bits of a double: 4 ulp, and a billionth of the printed half unit."""
    return 4 * math.ulp(max(abs(value), abs(claim.value))) + claim.half * 1e-9
