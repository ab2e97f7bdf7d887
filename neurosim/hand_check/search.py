"""The search for one slip: every recomputation under which a wrong claim would hold.

For a wrong claim c, on top of the slips already found (``force``, ``use``), the candidates are

* the step under each alternative rule (:func:`rule_variants`);
* each given c depends on (a weight, bias, input, target, the learning rate) replaced by each of
  its slips (:func:`~.slips.given_values`), everywhere or in one formula only;
* each quantity c is computed from replaced by the value that makes c hold (solved by the
  secant method), when that value is a small slip of its own (:func:`~.slips.near_values`), or
  else as it is (an arithmetic slip of no recognisable kind); a printed quantity also in one
  formula only (used differently from how it was printed).

A candidate counts if c holds under it and, for a recognisable slip, if c pins it down (the
chance that an arbitrary value would land as close to a slip of that kind is below
:data:`MAX_CHANCE`). Recomputing the whole step under each, the best one makes the most wrong
claims hold while breaking the fewest that held (ties: a rule, then a misread given, then a
slipped printed quantity, then any other quantity); an arbitrary value must explain more than c
and what follows from c's printed value.
"""

import math
from dataclasses import dataclass, field

from .. import losses
from .slips import fmt, given_values, near_values

__all__ = ["Scenario", "rule_variants", "search", "MAX_CHANCE"]

_HALF = "half_squared_error"

#: A slip is trusted only if the claim pins the quantity down this finely: the chance that a
#: value anywhere near would land as close to a slip of that kind (2 tol / spacing, see
#: slips.py) must be below 1 in 1000. Without it, a quantity the claim barely depends on can
#: absorb any difference with "one digit changed".
MAX_CHANCE = 1e-3


@dataclass(eq=False)
class Scenario:
    """One recomputation of the step: other ``rules``, or values forced (``force``: carried
    forward from that quantity on; ``use``: in one formula only). ``text`` says it in words,
    ``short`` in a few; ``nice`` is False for an arbitrary value (no recognisable slip).
    The search fills in the wrong claims it ``explains``, the right ones it ``breaks``, and
    ``alternatives`` as good; the diagnosis where it was ``found_at``."""

    text: str
    rules: object = None
    force: dict = field(default_factory=dict)
    use: dict = field(default_factory=dict)
    nice: bool = True
    rank: int = 0
    kind: str = "slip"
    short: str = None
    explains: list = field(default_factory=list)
    breaks: list = field(default_factory=list)
    alternatives: list = field(default_factory=list)
    found_at: str = None

    def __post_init__(self):
        self.short = self.short or self.text


def rule_variants(rules, structure):
    """The rules a hand calculation slips into, each ``(Rules, text)``, relative to ``rules``."""
    n, half, trained = len(structure.layers), rules.loss.name == _HALF, rules.train_biases
    everywhere = frozenset(range(n))
    out = [(dict(hidden_deltas="updated_weights"),
            "hidden deltas from the updated weights (w+ in the backward messages)")
           if rules.hidden_deltas == "original_weights" else
           (dict(hidden_deltas="original_weights"),
            "hidden deltas from the original weights (backpropagation)")]
    if half or rules.loss.name == "squared_error":
        out.append((dict(loss=losses.get("squared_error" if half else _HALF)),
                    "the loss without the 1/2: E = sum (target - out)^2" if half else
                    "the loss with a 1/2: E = sum 1/2 (target - out)^2"))
    out += [(dict(f_for_fprime=layers), f"f(net) used where f'(net) belongs, in {where}")
            for layers, where in [(everywhere, "every layer")] + [
                (frozenset([k]), f"layer {k + 1} ({'output' if k == n - 1 else 'hidden'})")
                for k in range(n) if n > 1]
            if rules.f_for_fprime != layers]
    if rules.sign is None:
        out += [(dict(sign="error"), "a sign error: dE/dout_o = target - out (every gradient's "
                                     "sign flipped)"),
                (dict(sign="update"), "a sign error in the update: w+ = w + eta dE/dw")]
    for k, (neurons, wnames, _) in enumerate(structure.layers):
        if len(neurons) == len(wnames[0]) and k not in rules.transposed:  # a square matrix
            pairs = [f"{wnames[j][i]} <-> {wnames[i][j]}" for j in range(len(wnames))
                     for i in range(j + 1, len(wnames))]
            out.append((dict(transposed=rules.transposed | {k}),
                        f"the weight matrix of layer {k + 1} read transposed "
                        f"({', '.join(pairs[:3])}{', ...' if len(pairs) > 3 else ''})"))
    if rules.bias != "none":
        out.append((dict(train_biases=not trained), "the biases left as they were (not "
                    "updated)" if trained else "the biases updated too"))
    if rules.bias == "shared":
        out.append((dict(bias="per_neuron", train_biases=True),
                    "one bias per neuron, updated (b_h1, b_h2, ... instead of b1)"))
    elif rules.bias != "none" and all(len(set(b)) == 1 for b in structure.biases):
        out.append((dict(bias="shared"),
                    "one bias shared by each layer (dE/db = the sum of its deltas)"))
    if rules.weight_decay:
        out.append((dict(weight_decay=0.0), "no weight decay (w+ = w - eta dE/dw alone)"))
    return [(rules.but(**changes), text) for changes, text in out]


def search(d, c, g, force, use, base, open_wrong, consequences):
    """The best slip under which claim ``c`` holds, on top of ``force`` and ``use`` (the slips
    found so far; ``base`` is their recomputation), or None. ``d`` is the StepDiagnosis."""
    candidates = [Scenario(text, rules=rules, rank=0, kind="rule")
                  for rules, text in rule_variants(g.rules, d.structure)]
    wanted = g.ancestors(c.name) | {c.name}
    for key, x, (text, short), only, rank, spacing in (
            list(_given_slips(d, c, g, base, force, wanted)) +
            list(_computed_slips(d, c, g, base, force, use, wanted))):
        value = _at(c, g, base, only, force, use, key)
        if not d.holds(c, {c.name: value(x)}):
            continue
        if spacing is not None:  # a recognisable slip: does the claim pin it down?
            h = _step(value, x)
            slope = (value(x + h) - value(x)) / h
            if not slope or 2 * d.tol[c.name] / abs(slope) > MAX_CHANCE * spacing:
                continue
        mod = dict(force={key: x}) if isinstance(key, str) else dict(use={key: x})
        candidates.append(Scenario(text, nice=spacing is not None, rank=rank, short=short,
                                   **mod))
    return _best(d, c, g, candidates, force, use, base, open_wrong, consequences)


def _given_slips(d, c, g, base, force, wanted):
    """Each given ``c`` depends on, read as each of its slips, everywhere or in one formula:
    ``(name or (consumer, name), value, (text, short text), nodes to recompute, rank,
    spacing)``."""
    for leaf in (a for a in g.leaves if a in wanted and a not in force):
        v = base[leaf]
        others = [(n, base[n]) for n in g.leaves if g.kind[n] == g.kind[leaf] and n != leaf]
        consumers = g.consumers.get(leaf, [])
        link = d.structure.connection.get(leaf)
        named = f"{leaf} ({link[0]} -> {link[1]})" if link else leaf
        modes = [None] + ([u for u in consumers if u in wanted] if len(consumers) > 1 else [])
        for mode in modes:
            only = g.between([leaf] if mode is None else [mode], c.name)
            for x, how, spacing in given_values(v, others):
                text = f"{named} read as {fmt(x)} instead of {fmt(v)} ({how})"
                short = f"{leaf} read as {fmt(x)}"
                if mode is not None:
                    text += f" in {_formula(g, mode)} only; elsewhere {leaf} = {fmt(v)}"
                    short += f" in {mode}"
                # A zero is easily lost in 1e-12, seldom in a given like 2: rank it lower.
                rank = 3 if how.startswith("a power") else 1
                yield (leaf if mode is None else (mode, leaf), x, (text, short), only, rank,
                       spacing)


def _computed_slips(d, c, g, base, force, use, wanted):
    """Each quantity ``c`` is computed from, at the value that makes ``c`` hold, if that is a
    slip of its own (or, unprinted, as it is); a printed one also in one formula only."""
    for a in g.order(wanted - {c.name}):
        if a in force:
            continue
        v = base[a]
        only = g.between([a], c.name)
        implied = _solve(d, c, g, base, only, force, use, a)
        if implied is None:
            continue
        neuron = a.split("_", 1)[-1].split("/")[0]
        out = base.get(f"out_{neuron}") if g.kind[a] in ("dout_dnet", "jacobian") else None
        net = base.get(f"net_{neuron}") if g.kind[a] == "out" else None
        printed = d.claim_of[a].text if a in d.claim_of else None
        for x, how, spacing in near_values(v, implied, out, net):
            if printed:
                text = f"{a} carried on as {fmt(x)} ({how}; printed {printed})"
            else:
                text = f"{a} = {fmt(x)} instead of {fmt(v)} ({how}), carried forward"
            yield a, x, (text, f"{a} = {fmt(x)}"), only, 2 if printed else 3, spacing
        if not printed:
            yield (a, implied, (f"an arithmetic slip in {a}: {fmt(implied)} instead of "
                                f"{fmt(v)}, carried forward", f"{a} = {fmt(implied)}"),
                   only, 4, None)
        consumers = g.consumers.get(a, [])
        if printed and len(consumers) > 1:
            for u in (u for u in consumers if u in wanted):
                only_u = g.between([u], c.name)
                implied = _solve(d, c, g, base, only_u, force, use, (u, a))
                for x, how, spacing in near_values(v, implied) if implied is not None else ():
                    yield ((u, a), x, (f"{a} used as {fmt(x)} in {_formula(g, u)} only ({how}; "
                                       f"printed {printed})", f"{a} = {fmt(x)} in {u}"),
                           only_u, 2, spacing)


def _at(c, g, base, only, force, use, key):
    """The claim's value as a function of one quantity (``key`` a name) or of one operand
    in one formula (``key`` = (consumer, operand)), everything else as in ``base``."""
    def value(x):
        slipped = dict(force={**force, key: x}, use=use) if isinstance(key, str) else \
            dict(force=force, use={**use, key: x})
        return g.evaluate(env=base, only=only, **slipped)[c.name]
    return value

def _solve(d, c, g, base, only, force, use, key):
    """The value of ``key`` (a name, or a (consumer, operand) pair) that makes ``c`` hold,
    by the secant method; None if there is none nearby."""
    at = _at(c, g, base, only, force, use, key)
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
            if abs(f1) <= 1e-3 * d.tol[c.name] or x1 == x0:
                break
    except (OverflowError, ZeroDivisionError):
        return None
    return x1 if math.isfinite(f1) and abs(f1) <= d.tol[c.name] else None

def _best(d, c, g, candidates, force, use, base, open_wrong, consequences):
    holding = [x for x in d.claims if d.holds(x, base)]
    held = {x.name for x in holding}
    trivial = {c.name, *consequences}
    scored = []
    for s in candidates:
        graph = g if s.rules is None else d.graph_for(s.rules)
        values = graph.evaluate(force={**force, **s.force}, use={**use, **s.use})
        if not d.holds(c, values):
            continue
        s.explains = [w.name for w in open_wrong if d.holds(w, values)
                      and (w is c or w.name not in held)]
        s.breaks = [x.name for x in holding if not d.holds(x, values)
                    and x.name not in s.force]
        if not s.nice and set(s.explains) <= trivial:
            continue
        score = len(s.explains) - len(s.breaks)
        if score > 0:
            scored.append(((-score, s.rank, len(s.breaks)), s))
    if not scored:
        return None
    key, best = min(scored, key=lambda item: item[0])  # the first of the best
    best.alternatives = [s.text for k, s in scored if k == key and s is not best and s.nice
                         and s.explains == best.explains][:3]
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
             "input message": "the backward pass", "dE_dw": "the gradient",
             "update": "the update", "velocity": "the update", "net": "the forward pass",
             "after": "the forward pass after the update"}.get(kind)
    return f"{name} ({where})" if where else name
