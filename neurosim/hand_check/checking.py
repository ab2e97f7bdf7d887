"""``check()``: read the claims, set up the problem, judge, explain, report."""

import copy
import math
import os
import re
from dataclasses import replace

from .. import quantities
from ..validation import check_count, check_flag, check_type
from ..errors import ConfigurationError, FormatError, ShapeError, UnknownNameError
from .claims import ClaimSheet, close_to, in_our_names, parse, parse_mapping, read, short
from .diagnose import StepDiagnosis, within
from . import epochs
from .graph import Structure
from .longrun import LongRun, rebuild
from .report import CheckReport, ClaimResult
from .slips import fmt

__all__ = ["check", "MAX_STEPS"]

#: The longest run a long-run claim (NAME@N) or the step-count window may ask for. The check
#: runs N steps under each rule it tries: for Mazur's network, 100,000 takes about six seconds.
MAX_STEPS = 100_000

_RULES = ("learning_rate", "weight_decay", "loss", "bias", "train_biases", "hidden_deltas")


def check(claims, net=None, inputs=None, targets=None, *, window=10, diagnose=True):
    """Check the numbers of a hand calculation of one training step against the simulator.

    ``claims``: a claims file's path, its text, a dict of the same names, or a parsed
    :class:`~neurosim.hand_check.claims.ClaimSheet` (format: :mod:`neurosim.hand_check.claims`;
    a str naming no existing file is text when it has a line break, ``=``, ``#`` or a space and
    does not look like a path). It must claim at least one number: a blank text is no pass.
    ``net``: the network the calculation starts from (left untouched); by default the claims'
    ``network = ...`` worked example, else Mazur's. ``inputs``/``targets`` override the claims'.
    ``window``: how far around N a long-run claim's step count is searched. ``diagnose=False``
    only judges.

    Returns a :class:`~neurosim.hand_check.report.CheckReport`.

    >>> report = check("out_h1 = 0.593269992\\nE_total = 0.298371109\\nw5+ = 0.35891648")
    >>> report.ok, [r.status for r in report.results]
    (True, ['right', 'right', 'right'])
    >>> report = check("out_h1 = 0.593269992\\nout_o1 = 0.75136079\\nE_total = 0.298371109")
    >>> report.ok, report.first_wrong.name, report["out_o1"].kind
    (False, 'out_o1', 'typo')
    >>> print(report["out_o1"].explanation)
    probable typo (digits '079' where '507' belongs (0.75136507)); E_total follows 0.7513650696
    """
    check_count("window", window, 0, MAX_STEPS, "updates")
    check_flag("diagnose", diagnose)
    sheet = _sheet(claims)
    net, inputs, targets, label = _problem(sheet, net, inputs, targets)
    step_claims, long_claims, givens, epoch_claims, book = _claims(sheet, net, inputs, targets)
    if not (step_claims or long_claims or epoch_claims):
        raise FormatError(f"{sheet.source}: no claims to check: expected at least one "
                          f"'name = value' naming a quantity of the step (such as "
                          f"'out_h1 = 0.593269992'), got {_nothing(sheet)}")
    sim = quantities.of_step(net, inputs, targets)
    order = {name: k for k, name in enumerate(quantities.names(net))}
    diagnosis = StepDiagnosis(Structure(net, inputs, targets), step_claims, sim, order)
    notes = []
    if diagnose and "wrong" in diagnosis.status.values():
        if _agrees(diagnosis.graph.evaluate(), sim):
            diagnosis.explain()
            notes += diagnosis.notes
        else:
            notes.append("the step recomputed for the diagnosis does not give the simulator's "
                         "values for this network (momentum?); wrong claims are not explained")
    results = [_step_result(diagnosis, c) for c in diagnosis.claims]
    if long_claims:
        long = LongRun(net, inputs, targets, long_claims, window, _holds_long,
                       stated_only=not diagnose)
        results += [_long_result(long, c, diagnose) for c in
                    sorted(long_claims, key=lambda c: (c.steps, order.get(c.base, 0)))]
    results += _epoch_results(sheet, net, epoch_claims)
    flip = (sheet.conventions or {}).get("delta") == "-dE/dnet"
    for r in results:   # the report speaks the book's names, and its sign of delta
        if flip and r.name.startswith("delta_"):
            r.printed, r.value, r.simulated = _negated(r.printed), -r.value, -r.simulated
        r.name = book.get(r.name, r.name)
    if flip:
        notes.append("convention: the claims' delta is the book's error signal -dE/dnet "
                     "(e = t - y): each is shown and compared as -dE/dnet, neurosim's delta "
                     "with its sign turned")
    slips = [{k: getattr(s, k) for k in ("text", "kind", "found_at", "explains", "breaks",
                                         "alternatives")} for s in diagnosis.accepted]
    return CheckReport(results, source=sheet.source, network=label, inputs=inputs,
                       targets=targets, learning_rate=net.learning_rate, slips=slips,
                       notes=notes, consequences=diagnosis.consequences, givens=givens)


# -- the problem ------------------------------------------------------------------------------

def _sheet(claims):
    if isinstance(claims, ClaimSheet):
        return claims
    if isinstance(claims, dict):
        return parse_mapping(claims, "<claims>")
    if isinstance(claims, bytes):
        try:
            claims = claims.decode("utf-8")
        except UnicodeDecodeError as error:
            raise FormatError(f"the claims are not UTF-8 text (byte {error.start}: "
                              f"{error.object[error.start:error.start + 1]!r})\n"
                              f"decode them first, or give them as a str") from None
    if isinstance(claims, str) and _is_text(claims):
        return parse(claims)
    if isinstance(claims, (str, os.PathLike)):
        return read(claims)
    raise FormatError(f"claims must be a path, a text, a dict or a ClaimSheet, got "
                      f"{type(claims).__name__}")


def _is_text(claims):
    """Whether a str given as ``claims`` is the claims' text rather than a file's path.

    An existing file is read. Otherwise it is text when it holds a line break, an ``=`` or
    starts with ``{``, or is blank; a name that looks like a path (a ``/`` or ``\\`` in
    it, or ending in an extension such as ``.txt``) is a path, so a missing file is reported
    as one; other texts with a space or a ``#`` (``out_h1 0.59``, ``# nothing``) are text.
    """
    if os.path.exists(claims):  # False for a path with a NUL in it: read() reports that
        return False
    stripped = claims.strip()
    if "\n" in claims or "=" in claims or stripped.startswith("{") or not stripped:
        return True
    if re.search(r"[/\\]|\.[A-Za-z]\w*$", stripped):
        return False
    return "#" in claims or any(ch.isspace() for ch in stripped)


def _nothing(sheet):
    """What a sheet without claims holds instead, for the error message."""
    givens = list(sheet.settings) + [c.name for c in sheet.entries]
    if not givens:
        return f"none (the {'text' if sheet.source == '<claims>' else 'file'} is empty or " \
               f"only comments)"
    shown = ", ".join(givens[:6]) + (", ..." if len(givens) > 6 else "")
    return f"only settings and givens ({shown})"


def _problem(sheet, net, inputs, targets):
    """The network (a copy with the claims' rules), the sample, and what to call the network."""
    from ..worked_examples import EXAMPLES
    settings = sheet.settings
    example = settings.get("network")
    defaults = (None, None)   # the worked example's sample
    if net is not None:
        from ..network import NeuralNetwork
        check_type("net", net, NeuralNetwork,
                   "a NeuralNetwork (or None for the claims' worked example)")
        if example is not None:
            raise ConfigurationError(f"the claims name the network {example!r} and a network "
                                     f"was given too\ngive one of them")
        label = f"{net.layer_sizes}"
    else:
        key = example or "mazur"
        if key not in EXAMPLES:
            raise UnknownNameError(f"no worked example is named {key!r}; examples: "
                                   f"{', '.join(sorted(EXAMPLES))}")
        build, *defaults = EXAMPLES[key]
        net = build()
        label = f"{key} {net.layer_sizes}"
    changes = {k: settings[k] for k in _RULES if k in settings}
    net = rebuild(net, **changes) if changes else copy.deepcopy(net)
    rules = [f"{k}={settings[k]}" for k in _RULES if k in settings and k != "learning_rate"]
    if rules:  # the report says what the claims changed: a different problem is no answer
        label += f" (with {', '.join(rules)})"
    first = settings["samples"][0] if "samples" in settings else (None, None)
    sample = []
    for k, (what, values) in enumerate((("inputs", inputs), ("targets", targets))):
        values = values if values is not None else settings.get(what, first[k] or defaults[k])
        if values is None:
            raise ShapeError(f"the claims give no {what}: add a line '{what} = ...' "
                             f"(one value per {'input' if what == 'inputs' else 'output'})")
        sample.append(net._vector(values, what))
    return net, *sample, label


def _claims(sheet, net, inputs, targets):
    """Split the entries into givens (applied to ``net``, ``inputs``, ``targets``) and the
    step, long-run and epoch claims, with canonical names. Returns the claims of each kind, the
    givens (name -> value), which the report lists: they change the problem, and the book's
    name of each claim the book's names (``name w46 = w7``) renamed."""
    known = quantities.names(net)
    params = set(net.parameter_names())
    outputs = [n.name for n in net.output_layer.neurons]
    forward = {n for n in known if n.startswith(("net_", "out_", "E_")) and "+" not in n}
    flip = (sheet.conventions or {}).get("delta") == "-dE/dnet"
    step, long, at_epochs, seen, givens, book = [], [], [], {}, {}, {}
    for entry in sheet.entries:
        c = replace(entry, name=in_our_names(entry.name, sheet.names))
        where = f"{sheet.source} {c.where()}"
        base, at, steps = c.name.partition("@")
        if epoch := epochs.split(c.name):
            base, number, sample = epoch
            if base != "E_epoch":
                base = quantities.canonical(base)
                if base not in known:
                    raise FormatError(f"{where}: {short(base)!r} is not a quantity of a step"
                                      f"{close_to(base, known)}")
            name = f"{base}@epoch{number}" + (f"sample{sample}" if sample is not None else "")
            at_epochs.append(replace(c, name=name))
        else:
            base = quantities.canonical(base)
            name = base + (f"@{_count(steps, c.name, where)}" if at else "")  # @010 is @10
            if name in seen:
                raise FormatError(f"{where}: {short(name)} is claimed twice (also {seen[name]})")
            seen[name] = c.where()
            if at:
                if base not in forward and base not in params:
                    raise UnknownNameError(f"{where}: {short(base)!r} is not a forward quantity "
                                           f"or parameter (for NAME@N)"
                                           f"{close_to(base, sorted(forward | params))}")
                long.append(replace(c, name=name))
            elif name in net.input_names:
                inputs[net.input_names.index(name)] = givens[name] = c.value
            elif name.startswith("target_") and name[7:] in outputs:
                targets[outputs.index(name[7:])] = givens[name] = c.value
            elif name in params:
                net[name] = givens[name] = c.value
            elif name in known:
                step.append(replace(c, name=name))
            else:
                raise UnknownNameError(f"{where}: {short(name)!r} is not a quantity of this step"
                                       f"{close_to(name, known)}")
        if c.name != entry.name:
            book[name] = entry.name
    for claims in (step, at_epochs):  # the book's delta is -dE/dnet: turned to neurosim's sign
        claims[:] = [replace(c, value=-c.value, text=_negated(c.text)) if flip and
                     c.name.startswith("delta_") else c for c in claims]
    return step, long, givens, at_epochs, book


def _epoch_results(sheet, net, claims):
    """The claims at a sample and epoch (see :mod:`neurosim.hand_check.epochs`), judged."""
    if not claims:
        return []
    settings = sheet.settings
    if "samples" not in settings:
        raise FormatError(f"{sheet.source}: claims at an epoch need the data set: add a line "
                          f"such as 'samples = 1 1 -> 0; 0 1 -> 1'")
    samples = [(net._vector(x, "samples inputs"), net._vector(t, "samples targets"))
               for x, t in settings["samples"]]
    run = epochs.EpochRun(net, samples, settings.get("mode", "online"),
                          settings.get("epoch_error"), claims, sheet.source)
    return [_result(c, run.values[c.name]) for c in claims]


def _negated(text):
    """The printed number with its sign turned, digits kept: ``0.1311`` -> ``-0.1311``."""
    text = text.strip()
    return text[1:] if text.startswith("-") else text.lstrip("+").join(("-", ""))


def _count(steps, name, where):
    """N of a long-run name ``NAME@N``, checked: ASCII digits (int() would read other digits,
    and raises ValueError past 4,300 of them) for 1 to MAX_STEPS updates."""
    if not (steps.isascii() and steps.isdigit()
            and len(steps.lstrip("0")) <= len(str(MAX_STEPS)) and 1 <= int(steps) <= MAX_STEPS):
        raise FormatError(f"{where}: {short(name)!r}: the count after @ must be a whole number "
                          f"of updates from 1 to {MAX_STEPS:,} (each rule the diagnosis tries "
                          f"runs that many steps)")
    return int(steps)


def _agrees(values, sim):
    return all(abs(values[k] - v) <= 1e-12 * max(1.0, abs(v)) for k, v in sim.items()
               if k in values and math.isfinite(v))


# -- the results ------------------------------------------------------------------------------

def _holds_long(c, value):
    return within(c, value, c.tol if c.tol is not None else c.half)


def _result(c, sim):
    """A claim judged to its own tolerance alone (a long-run or an epoch figure)."""
    return ClaimResult(c, sim, c.tol if c.tol is not None else c.half,
                       "right" if _holds_long(c, sim) else "wrong")


def _long_result(long, c, diagnose):
    result = _result(c, long.simulated[c.name])
    if result.ok or not diagnose:
        return result
    return ClaimResult(c, result.simulated, result.tol, "wrong", *long.explain(c),
                       holds_under=[f"{t}, k={k}" for t, k in long.matches[c.name]])


def _step_result(d, c):
    status, tol, sim = d.status[c.name], d.tol[c.name], d.sim[c.name]
    if status != "wrong":   # right, or rounding with its note
        return ClaimResult(c, sim, tol, status,
                           *(("rounding", d.note[c.name]) if status == "rounding" else ()))
    under = d.holds_under.get(c.name, [])
    under_texts = [text for text, _ in under]
    if c.name not in d.verdict:
        return ClaimResult(c, sim, tol, "wrong", holds_under=under_texts)
    kind, text, scenario, names, value = d.verdict[c.name]
    if kind == "consequence":
        text = f"follows from {_join(names)} carried forward"
    elif scenario is not None:
        if scenario.found_at == c.name:
            text = ("holds with " if kind == "rule" else "") + scenario.text
            if scenario.breaks:
                text += f" (but then {_join(scenario.breaks)} would not hold)"
            if scenario.alternatives:
                text += "; or: " + "; or: ".join(scenario.alternatives)
        else:
            text = f"holds with the slip found at {scenario.found_at} ({scenario.short})"
        if names:
            text += f"; it uses {_join(names)} as computed, not as printed"
    elif kind == "slip":
        text = "holds with the slips found above"
    elif kind == "typo":
        text = f"probable typo ({text}); " + (
            f"{_join(names)} follow{'s' if len(names) == 1 else ''} {fmt(value)}" if names
            else "no later figure tells")
    elif kind == "carried":
        text = f"an arithmetic slip in this number ({text}), carried forward to {_join(names)}"
    elif kind == "rule":
        text = "; or ".join(f"holds with {t}" + (f"; {_join(b)} hold only with the stated rules"
                                                 if b else "") for t, b in under)
    elif kind == "unexplained":
        text = f"unexplained: {text}"
        if under:
            text += "; holds with " + "; or with ".join(under_texts)
    return ClaimResult(c, sim, tol, "wrong", kind, text, names, under_texts)


def _join(names):
    names = list(names)
    return ", ".join(names if len(names) <= 6 else names[:5] + [f"... ({len(names) - 5} more)"])
