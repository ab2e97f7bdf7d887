"""Judging each claim of one step, and explaining the wrong ones by re-running the step.

Judging, claim by claim in the order of the hand calculation:

* **right**: within its tolerance of the simulator's value. The tolerance is half a unit of the
  last printed digit, plus the rounding the calculation carries: the same step recomputed from
  the *printed* values of the right claims before it (a hand calculation goes on from what it
  wrote down) may land elsewhere, and that distance is allowed too.
* **rounding**: outside that tolerance, but it follows when one unprinted intermediate is
  rounded to the claim's own digits (Mazur's dE_o2/dout_h1 = -0.019049119 is his printed
  delta_o2 rounded to 9 decimals, -0.038098237, times w7 = 0.5, rounded half up). Not a fault.
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

from .graph import Graph, Rules
from .slips import difference, fmt, given_values, near_values, round_to

__all__ = ["StepDiagnosis", "rule_variants", "Scenario", "Verdict"]

_HALF = "half_squared_error"

#: A slip is trusted only if the claim pins the quantity down this finely: the chance that a
#: value anywhere near would land as close to a slip of that kind (2 tol / spacing, see
#: slips.py) must be below 1 in 1000. Without it, a quantity the claim barely depends on can
#: absorb any difference with "one digit changed".
MAX_CHANCE = 1e-3


class Verdict(namedtuple("Verdict", "kind text scenario names value")):
    """Why a wrong claim is wrong: ``kind`` (consequence, slip, rule, carried, typo,
    unexplained), a ``text``, the ``scenario`` that explains it, the claim ``names`` involved
    and the ``value`` the calculation should have had."""

    def __new__(cls, kind, text="", scenario=None, names=(), value=None):
        return super().__new__(cls, kind, text, scenario, tuple(names), value)


class Scenario:
    """One recomputation of the step: other ``rules``, or values forced (``force``: carried
    forward from that quantity on; ``use``: in one formula only). ``text`` says it in words."""

    def __init__(self, text, *, rules=None, force=None, use=None, nice=True, rank=0,
                 kind="slip", short=None):
        self.text = text
        self.short = short or text
        self.rules = rules
        self.force = dict(force or {})
        self.use = dict(use or {})
        self.nice = nice
        self.rank = rank
        self.kind = kind
        self.explains = []
        self.breaks = []
        self.alternatives = []
        self.found_at = None

    def __repr__(self):
        return f"Scenario({self.text!r})"


def rule_variants(rules, structure):
    """The rules a hand calculation slips into, each ``(Rules, text)``, relative to ``rules``."""
    out = []
    if rules.hidden_deltas == "original_weights":
        out.append((rules.but(hidden_deltas="updated_weights"),
                    "hidden deltas from the updated weights (w+ in the backward messages)"))
    else:
        out.append((rules.but(hidden_deltas="original_weights"),
                    "hidden deltas from the original weights (backpropagation)"))
    from .. import losses
    if rules.loss.name == _HALF:
        out.append((rules.but(loss=losses.get("squared_error")),
                    "the loss without the 1/2: E = sum (target - out)^2"))
    elif rules.loss.name == "squared_error":
        out.append((rules.but(loss=losses.get(_HALF)), "the loss with a 1/2: E = sum 1/2 (t - o)^2"))
    n = len(structure.layers)
    everywhere = frozenset(range(n))
    if rules.f_for_fprime != everywhere:
        out.append((rules.but(f_for_fprime=everywhere),
                    "f(net) used where f'(net) belongs, in every layer"))
    if n > 1:
        for k in range(n):
            if rules.f_for_fprime != {k}:
                out.append((rules.but(f_for_fprime=frozenset([k])),
                            f"f(net) used where f'(net) belongs, in layer {k + 1} "
                            f"({_layer_word(k, n)})"))
    if rules.sign is None:
        out.append((rules.but(sign="error"), "a sign error: dE/dout_o = target - out "
                                             "(every gradient's sign flipped)"))
        out.append((rules.but(sign="update"), "a sign error in the update: w+ = w + eta dE/dw"))
    for k in structure.square_layers():
        if k not in rules.transposed:
            wnames = structure.layers[k][1]
            pairs = [f"{wnames[j][i]} <-> {wnames[i][j]}" for j in range(len(wnames))
                     for i in range(j + 1, len(wnames))]
            out.append((rules.but(transposed=rules.transposed | {k}),
                        f"the weight matrix of layer {k + 1} read transposed "
                        f"({', '.join(pairs[:3])}{', ...' if len(pairs) > 3 else ''})"))
    if rules.bias != "none":
        out.append((rules.but(train_biases=not rules.train_biases),
                    "the biases updated too" if not rules.train_biases
                    else "the biases left as they were (not updated)"))
        if rules.bias == "shared":
            out.append((rules.but(bias="per_neuron", train_biases=True),
                        "one bias per neuron, updated (b_h1, b_h2, ... instead of b1)"))
        elif structure.shared_biases_possible():
            out.append((rules.but(bias="shared"),
                        "one bias shared by each layer (dE/db = the sum of its deltas)"))
    if rules.weight_decay:
        out.append((rules.but(weight_decay=0.0), "no weight decay (w+ = w - eta dE/dw alone)"))
    return out


def _layer_word(k, n):
    return "output" if k == n - 1 else "hidden"


class StepDiagnosis:
    """Judge and explain the claims of one step. ``claims`` are canonical step claims.

    After construction: ``status[name]``, ``tol[name]``, ``note[name]`` (rounding), and after
    :meth:`explain`: ``verdict[name] = (kind, text, scenario, names)``, ``accepted`` scenarios
    and ``holds_under[name]`` (rule texts under which a wrong claim holds).
    """

    def __init__(self, structure, claims, simulated, order):
        self.structure = structure
        self.graph = Graph(structure)
        self.claims = sorted(claims, key=lambda c: order[c.name])
        self.claim_of = {c.name: c for c in self.claims}
        self.sim = simulated
        self.status, self.tol, self.note = {}, {}, {}
        self.verdict = {}
        self.consequences = []
        self.accepted = []
        self.holds_under = {}
        self._graphs = {self.graph.rules: self.graph}
        self._judge()

    # -- judging ---------------------------------------------------------------------------------

    def holds(self, claim, values, tol=None):
        v = values.get(claim.name)
        if v is None or not math.isfinite(v):
            return False
        tol = self.tol.get(claim.name, claim.half) if tol is None else tol
        return abs(claim.value - v) <= tol + _slack(claim, v)

    def _judge(self):
        carried = {}  # the printed values of the right claims so far
        for c in self.claims:
            sim = self.sim[c.name]
            if c.tol is not None:
                self.tol[c.name] = c.tol
            else:
                value = self.graph.evaluate(force=carried)[c.name] if carried else sim
                self.tol[c.name] = c.half + abs(value - sim)
            if self.holds(c, {c.name: sim}):
                self.status[c.name] = "right"
                carried[c.name] = c.value
                continue
            rounded = self._rounding(c, carried) if c.tol is None else None
            if rounded:
                self.status[c.name] = "rounding"
                self.note[c.name] = rounded
                carried[c.name] = c.value
            else:
                self.status[c.name] = "wrong"

    def _rounding(self, c, carried):
        """The unprinted intermediate whose rounding to the claim's digits gives the claim."""
        if abs(c.value - self.sim[c.name]) > 20 * c.half:
            return None
        g = self.graph
        base = g.evaluate(force=carried)
        layer, seen = [c.name], set()
        for _ in range(3):  # up to three formulas back, through unprinted quantities only
            nxt = []
            for name in layer:
                for op in g.nodes[g.index[name]][2] if name in g.index else ():
                    if op in seen or op in self.claim_of or op not in g.index:
                        continue
                    seen.add(op)
                    nxt.append(op)
                    for digits in (dict(decimals=c.decimals), dict(significant=c.significant)):
                        x = round_to(base[op], **digits)
                        v = g.evaluate(force={**carried, op: x}, env=base,
                                       only=g.between([op], c.name))[c.name]
                        if self.holds(c, {c.name: v}, tol=c.half):
                            return (f"{op} rounded to {fmt(x, 12)} before use "
                                    f"(rounding carried; exact {fmt(self.sim[c.name], 12)})")
            layer = nxt
        for digits in (dict(decimals=c.decimals), dict(significant=c.significant)):
            v = g.evaluate(force=carried, rounding=lambda x: round_to(x, **digits))[c.name]
            if self.holds(c, {c.name: v}, tol=c.half):
                return (f"every intermediate rounded to the printed digits (rounding carried; "
                        f"exact {fmt(self.sim[c.name], 12)})")
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
        if wrong:  # the later claims wrong only because the first wrong one was carried forward
            first = {wrong[0].name: wrong[0].value}
            values = g.evaluate(force=first)
            self.consequences = [
                w.name for w in wrong[1:] if w.name in g.descendants(first) and self.holds(
                    w, values, self.tol[w.name] + self._rounding_of(w, wrong[:1], g, first, {},
                                                                     values))]
        force, use = {}, {}
        base = g.evaluate()
        for k, c in enumerate(wrong):
            earlier = [w for w in wrong[:k] if w.name in g.ancestors(c.name)]
            if earlier:
                carried = {**force, **{w.name: w.value for w in earlier}}
                values = g.evaluate(force=carried, use=use)
                if self.holds(c, values, self.tol[c.name] +
                              self._rounding_of(c, earlier, g, carried, use, values)):
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
            best = self._search(c, g, force, use, base, wrong[k:], consequences)
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
            expected = base[c.name]
            how = difference(c.text, expected)
            if consequences:
                self.verdict[c.name] = Verdict("carried", how, names=consequences)
                continue
            later = [x for x in self.claims if x.name in below]
            broken = [x.name for x in later if self.holds(x, base) and not self.holds(x, printed)]
            follow_printed = [x for x in later if self.holds(x, printed) and
                              not self.holds(x, base)]
            if broken:
                self.verdict[c.name] = Verdict("typo", how, names=broken, value=expected)
            elif not follow_printed and not how.startswith("digits"):
                self.verdict[c.name] = Verdict("typo", how, value=expected)
            elif c.name in self.holds_under:
                self.verdict[c.name] = Verdict("rule")
            else:
                self.verdict[c.name] = Verdict("unexplained", how, value=expected)

    def _rounding_of(self, c, earlier, g, carried, use, values):
        """How far the printed rounding of the ``earlier`` claims (half a unit each) can move
        ``c`` when they are carried forward: sum of |c(x + half) - c(x)|."""
        extra = 0.0
        for w in earlier:
            if c.tol is not None:
                break
            moved = g.evaluate(force={**carried, w.name: w.value + w.half}, use=use,
                               env=values, only=g.between([w.name], c.name))[c.name]
            extra += abs(moved - values[c.name])
        return extra

    # -- the search for one slip -----------------------------------------------------------------

    def _search(self, c, g, force, use, base, open_wrong, consequences):
        """Every candidate slip under which ``c`` holds, then the best of them (or None)."""
        target = c.name
        candidates = [Scenario(text, rules=rules, rank=0, kind="rule")
                      for rules, text in rule_variants(g.rules, self.structure)]
        anc = g.ancestors(target)
        wanted = anc | {target}
        quick = []  # (what is changed: a name or a (consumer, operand) pair, value, text, ...)
        for leaf in (a for a in g.leaves if a in anc and a not in force):
            v = base[leaf]
            others = [(n, base[n]) for n in g.leaves if g.kind[n] == g.kind[leaf] and n != leaf]
            consumers = g.consumers.get(leaf, [])
            modes = [None] + ([u for u in consumers if u in wanted] if len(consumers) > 1
                              else [])
            for mode in modes:
                only = g.between([leaf] if mode is None else [mode], target)
                link = self.structure.connection.get(leaf)
                named = f"{leaf} ({link[0]} -> {link[1]})" if link else leaf
                for x, how, spacing in given_values(v, others):
                    text = f"{named} read as {fmt(x)} instead of {fmt(v)} ({how})"
                    short = f"{leaf} read as {fmt(x)}"
                    if mode is not None:
                        text += f" in {_formula(g, mode)} only; elsewhere {leaf} = {fmt(v)}"
                        short += f" in {mode}"
                    # A zero is easily lost in 1e-12, seldom in a given like 2: rank it lower.
                    rank = 3 if how.startswith("a power") else 1
                    quick.append((leaf if mode is None else (mode, leaf), x, (text, short),
                                  only, rank, spacing))
        for a in g.order(anc):
            if a in force:
                continue
            v = base[a]
            only = g.between([a], target)
            implied = self._solve(c, g, base, only, force, use, a)
            if implied is None:
                continue
            neuron = a.split("_", 1)[-1].split("/")[0]
            out = base.get(f"out_{neuron}") if g.kind[a] == "dout/dnet" else None
            net = base.get(f"net_{neuron}") if g.kind[a] == "out" else None
            claimed = a in self.claim_of
            for x, how, spacing in near_values(v, implied, out, net):
                text = (f"{a} carried on as {fmt(x)} ({how}; printed {self.claim_of[a].text})"
                        if claimed else
                        f"{a} = {fmt(x)} instead of {fmt(v)} ({how}), carried forward")
                quick.append((a, x, (text, f"{a} = {fmt(x)}"), only, 2 if claimed else 3,
                              spacing))
            if not claimed:
                quick.append((a, implied, (f"an arithmetic slip in {a}: {fmt(implied)} instead "
                                           f"of {fmt(v)}, carried forward",
                              f"{a} = {fmt(implied)}"), only, 4, None))
            consumers = g.consumers.get(a, [])
            if claimed and len(consumers) > 1:
                for u in (u for u in consumers if u in wanted):
                    only_u = g.between([u], target)
                    implied = self._solve(c, g, base, only_u, force, use, (u, a))
                    for x, how, spacing in near_values(v, implied) if implied is not None else ():
                        quick.append(((u, a), x, (f"{a} used as {fmt(x)} in {_formula(g, u)} "
                                                  f"only ({how}; printed "
                                                  f"{self.claim_of[a].text})",
                                                  f"{a} = {fmt(x)} in {u}"), only_u, 2, spacing))
        for key, x, (text, short), only, rank, spacing in quick:
            value = self._at(c, g, base, only, force, use, key)
            if not self.holds(c, {target: value(x)}):
                continue
            if spacing is not None:  # a recognisable slip: is the claim precise enough?
                h = _step(value, x)
                slope = (value(x + h) - value(x)) / h
                if not slope or 2 * self.tol[target] / abs(slope) > MAX_CHANCE * spacing:
                    continue
            mod = dict(force={key: x}) if isinstance(key, str) else dict(use={key: x})
            candidates.append(Scenario(text, nice=spacing is not None, rank=rank, short=short,
                                       **mod))
        return self._best(c, g, candidates, force, use, base, open_wrong, consequences)

    def _at(self, c, g, base, only, force, use, key):
        """The claim's value as a function of one quantity (``key`` a name) or of one operand
        in one formula (``key`` = (consumer, operand)), everything else as in ``base``."""
        def value(x):
            if isinstance(key, str):
                values = g.evaluate(force={**force, key: x}, use=use, env=base, only=only)
            else:
                values = g.evaluate(force=force, use={**use, key: x}, env=base, only=only)
            return values[c.name]
        return value

    def _solve(self, c, g, base, only, force, use, key):
        """The value of ``key`` (a name, or a (consumer, operand) pair) that makes ``c`` hold,
        by the secant method; None if there is none nearby."""
        at = self._at(c, g, base, only, force, use, key)
        x0 = base[key if isinstance(key, str) else key[1]]
        try:
            f0 = at(x0) - c.value
            x1 = x0 + _step(at, x0)
            f1 = at(x1) - c.value
            for _ in range(40):
                if not (math.isfinite(f0) and math.isfinite(f1)) or f1 == f0:
                    return None
                x0, x1, f0 = x1, x1 - f1 * (x1 - x0) / (f1 - f0), f1
                f1 = at(x1) - c.value
                if abs(f1) <= 1e-3 * self.tol[c.name] or x1 == x0:
                    break
        except (OverflowError, ZeroDivisionError):
            return None
        return x1 if math.isfinite(f1) and abs(f1) <= self.tol[c.name] else None

    def _best(self, c, g, candidates, force, use, base, open_wrong, consequences):
        holding = [x for x in self.claims if self.holds(x, base)]
        held = {x.name for x in holding}
        trivial = {c.name, *consequences}
        scored = []
        for s in candidates:
            graph = g if s.rules is None else self.graph_for(s.rules)
            values = graph.evaluate(force={**force, **s.force}, use={**use, **s.use})
            if not self.holds(c, values):
                continue
            s.explains = [w.name for w in open_wrong if self.holds(w, values)
                          and (w is c or w.name not in held)]
            s.breaks = [x.name for x in holding if not self.holds(x, values)
                        and x.name not in s.force]
            if not s.nice and set(s.explains) <= trivial:
                continue
            score = len(s.explains) - len(s.breaks)
            if score > 0:
                scored.append(((-score, s.rank, len(s.breaks)), s))
        if not scored:
            return None
        scored.sort(key=lambda item: item[0])
        key, best = scored[0]
        best.alternatives = [s.text for k, s in scored[1:] if k == key and s.nice and
                             s.explains == best.explains][:3]
        return best


def _step(at, x):
    """A step h small enough for a derivative, large enough that at(x + h) != at(x) shows more
    than the last bits of a double."""
    y = at(x)
    h = (abs(x) or 1.0) * 1e-7
    for _ in range(8):
        if abs(at(x + h) - y) > 1e4 * math.ulp(y):
            break
        h *= 100
    return h


def _formula(g, name):
    """A consumer's name, with what kind of formula it is."""
    kind = g.kind.get(name, "")
    where = {"message": "the forward pass", "backward": "the backward pass",
             "dE/dw": "the gradient", "update": "the update", "net": "the forward pass",
             "after": "the forward pass after the update"}.get(kind)
    return f"{name} ({where})" if where else name


def _nearest(g, claims):
    """Of these claims, the ones no other one of them is computed from: the nearest wrong
    figures a claim follows from."""
    names = [w.name for w in claims]
    return tuple(n for n in names if not any(n in g.ancestors(m) for m in names if m != n))


def _slack(claim, value):
    """Room for the last bits of a double: 4 ulp, and a billionth of the printed half unit."""
    return 4 * math.ulp(max(abs(value), abs(claim.value))) + claim.half * 1e-9
