"""The worksheet: one whole update written out in the order of the hand calculation.

Mazur (2015) works his example in this order, and so does the worksheet, for any network:

1. the forward pass, layer by layer (net and out of every neuron);
2. the total error;
3. the output layer: every partial of the chain rule, the gradients, the new weights;
4. each hidden layer, from the top down: the messages coming back, the partials, the
   gradients, the new weights;
5. the error after the update (the same sample through the updated network).

Every line is a formula with its numbers substituted, named as in :mod:`neurosim.quantities`
(``net_h1``, ``dE/dw5``, ``w5+``, ``E_total+``), so a hand calculation can be checked against it
by name. :func:`worksheet` writes it as plain text (the stepper's lines), Markdown with
``$$ ... $$`` LaTeX blocks, or one self-contained HTML file (inline SVG diagram, MathML formulas).

>>> from neurosim.worked_examples import mazur, MAZUR_INPUTS, MAZUR_TARGETS
>>> sheet = worksheet(mazur(), MAZUR_INPUTS, MAZUR_TARGETS)
>>> print("\\n".join(line for line in sheet.splitlines() if line.startswith("  w5+")))
  w5+ = w5 - eta*dE_total/dw5 = 0.4 - 0.5*0.0821670406 = 0.35891648
"""

import textwrap
import unicodedata
from dataclasses import dataclass, field

from .. import quantities
from ..errors import ConfigurationError, UnknownNameError
from ..events import (ActivationDerivative, BackwardMessage, BiasGradient, ForwardMessage,
                      InputGradient, OutputErrorDerivative, WeightGradient)
from ..formula import (DELTA_CONVENTIONS, Context, Mul, Neg, Sym, Text, delta_sign,
                       partial, row, symbol, written)
from ..formula import to_text
from . import i18n, matrix_form
from .layout import wiring
from .markdown import given_lines, write_blocks

__all__ = ["worksheet", "build", "event_formula", "Sheet", "Line", "FORMATS"]

FORMATS = ("text", "markdown", "html")

#: The largest network a worksheet writes out (about 30,000 lines at 10,000 connections; a
#: hand calculation is read by people).
MAX_CONNECTIONS = 10_000
MAX_LAYERS = 500


@dataclass
class Line:
    """One line of the calculation: its quantity ``name``, plain ``text``, ``formula`` tree."""
    name: str
    text: str
    formula: object
    phase: str


@dataclass
class Sheet:
    """A worksheet before it is written: ``blocks`` in order, each ``(kind, content)`` with kind
    ``"h2"``, ``"h3"``, ``"p"`` (a list of segments), ``"line"`` (a :class:`Line`) or
    ``"givens"`` (a list of ``(label, items)``: formulas, a string as a note after them, or
    for the rules a list of segment lists)."""
    title: str
    subtitle: list
    blocks: list
    lang: str
    network: object           # the network before the update
    step: object              # the quantities.WorkedStep
    neurons: set              # the neurons written out
    factors: dict = field(default_factory=dict)  # weight name -> names of its chain-rule lines
    digits: int = 9


# -- one event as a formula ---------------------------------------------------------------------

def event_formula(event, net, *, digits=9, after=False):
    """The worksheet's formula tree of one event of a step of ``net`` (the network before the
    update), as :func:`build` writes it; ``after=True`` for an event of the forward pass run
    after the update (symbols with ``+``). For one line at a time, as the classroom page shows
    them; :func:`~neurosim.render.mathml.to_mathml` writes the tree as MathML."""
    return event.tree(Context.of(net, digits, "+" if after else ""))


# -- the sheet -------------------------------------------------------------------------------------

def build(net, inputs, targets, *, digits=9, lang="en", neurons=None, matrix=False,
          convention=DELTA_CONVENTIONS[0]):
    """The :class:`Sheet` of one update of ``net`` on one sample (``net`` is left unchanged);
    ``matrix=True`` adds each layer's lines in matrix form (:mod:`.matrix_form`);
    ``convention="delta = -dE/dnet"`` writes every delta in the books' sign (see
    :class:`~neurosim.formula.Context`)."""
    from ..network import NeuralNetwork
    if not isinstance(net, NeuralNetwork):
        hint = ("\nto write out a saved network: worksheet(NeuralNetwork.load(path), ...)"
                if isinstance(net, str) else "")
        raise ConfigurationError(f"net must be a NeuralNetwork, got {net!r}{hint}")
    say, text = i18n.speaker(lang)      # checks lang
    sign = delta_sign(convention)
    if not isinstance(digits, int) or isinstance(digits, bool) or not 1 <= digits <= 17:
        raise ConfigurationError(f"digits must be an integer from 1 to 17, got {digits!r}")
    connections = sum(a * b for a, b in zip(net.layer_sizes, net.layer_sizes[1:]))
    if connections > MAX_CONNECTIONS or len(net.layers) > MAX_LAYERS:
        raise ConfigurationError(
            f"a worksheet writes out every message of the step, up to {MAX_CONNECTIONS:,} "
            f"connections and {MAX_LAYERS} layers; this network has {connections:,} connections "
            f"and {len(net.layers)} layers\nfor a larger network read the step's record: "
            f"net.train(inputs, targets, record=True)")
    chosen = _chosen(net, neurons)
    # checked once, as every entry point checks a sample: floats (a Fraction or a Decimal is
    # a number; bytes, a dict, NaN are refused with the field named)
    inputs, targets = net._vector(inputs, "inputs"), net._vector(targets, "targets")
    step = quantities.worked_step(net, inputs, targets)
    gradients = {quantities.owner_of(e): e for e in step.record
                 if type(e) in (WeightGradient, BiasGradient)}
    # neuron -> [its dE/dout at an output, its messages, its f'(net)]
    factors = {n.name: [None, [], None] for n in net.neurons}
    for e in step.record:
        if type(e) is BackwardMessage:
            factors[quantities.owner_of(e)][1].append(e)
        elif type(e) in (OutputErrorDerivative, ActivationDerivative):
            factors[e.neuron][0 if type(e) is OutputErrorDerivative else 2] = e
    c = Context.of(net, digits, convention=convention, gradients=gradients, factors=factors)
    book = c.book_sign
    where = {}          # a neuron's, weight's or bias's name -> (its layer, its neurons)
    for k, layer in enumerate(net.layers):
        for n in layer.neurons:
            for name in [n.name] + n.weight_names + ([n.bias_name] if n.bias_name else []):
                where.setdefault(name, (k, []))[1].append(n.name)

    def wanted(event):      # of a chosen neuron (or of none: E_total)
        owner = quantities.owner_of(event)
        return owner is None or not chosen.isdisjoint(where[owner][1])

    def by_layer(events):
        layers = {}
        for e in events:
            layers.setdefault(where[quantities.owner_of(e)][0], []).append(e)
        return sorted(layers.items())

    blocks = []

    def lines(events, context=c, heading=None, more=()):
        """The events' lines (and ``more`` lines, each ``(name, tree, phase)``), under
        ``heading`` (an h3) if there are any."""
        rows = [(quantities.name_of(e) + context.suffix, e.tree(context), e.phase)
                for e in events] + list(more)
        if heading and rows:
            blocks.append(("h3", heading))
        blocks.extend(("line", Line(name, to_text(tree), tree, phase))
                      for name, tree, phase in rows)

    # dE/di = sum_h delta_h w_hi reads every first-layer neuron: shown with all of them
    inputs_back = [e for e in step.record if type(e) is InputGradient
                   and chosen.issuperset(n.name for n in net.layers[0].neurons)]
    events = [e for e in step.record if type(e) not in (ForwardMessage, InputGradient)
              and wanted(e)]
    if chosen != {n.name for n in net.neurons}:
        blocks.append(("p", say("only_neurons", ", ".join(n.name for n in net.neurons
                                                           if n.name in chosen))))
    if book:
        blocks.append(("p", say("convention_note", row(Sym("δ"), "=", Neg(partial("E", "net"))),
                                row(Sym("e"), "=", Sym("t"), "-", Sym("y")),
                                row(Sym("δ"), "=", partial("E", "net")))))
    blocks += [("h2", text("given")),
               ("givens", _givens(net, inputs, targets, chosen, c, say, text))]

    # 1. forward
    blocks += [("h2", text("forward", 1)), ("p", say(
        "forward_prose", row(Sym("net"), "=", "Σ", Mul(Sym("w"), Sym("x")), "+", Sym("b")),
        row(Sym("out"), "=", written(net.layers[0].activation.formula, {"net": Sym("net")}))))]
    hidden = len(net.layers) - 1
    names = ([text("input_layer")] + [text("hidden_layer") if hidden == 1 else
                                      text("hidden_layer_k", k) for k in range(1, hidden + 1)]
             + [text("output_layer")])
    if matrix:
        blocks.append(("p", say("matrix_prose", Sym("W"), Sym("⊙"))))
    for k, rows in by_layer(e for e in events if e.phase == "forward"):
        lines(rows, heading=text("from_to", names[k], names[k + 1]))
        if matrix:
            lines((), heading=text("matrix_form"), more=matrix_form.forward_lines(
                net, step.values, k, digits))

    # 2. the total error
    blocks += [("h2", text("error", 2)), ("p", say("error_prose"))]
    lines(e for e in events if e.phase == "error")

    # 3... each layer from the top: gradients, then new weights
    backward = by_layer(e for e in events if e.phase in ("backward", "update"))[::-1]
    for number_, (k, mine) in enumerate(backward, 3):
        layer = net.layers[k]
        blocks.append(("h2", text("gradients", number_, text("from_to", names[k], names[k + 1])
                                  if lang == "zh" else names[k + 1])))
        h, w = layer.neurons[0].name, layer.neurons[0].weight_names[0]
        dE_dout = partial("E_total", f"out_{h}")
        if k == len(net.layers) - 1:
            blocks.append(("p", say("output_prose", row(partial("E_total", w), "=", Mul(
                Mul(dE_dout, partial(f"out_{h}", f"net_{h}")), partial(f"net_{h}", w))))))
        else:
            key = "hidden_prose_updated" if net.hidden_deltas == "updated_weights" \
                else "hidden_prose"
            blocks.append(("p", say(key, Neg(dE_dout) if book else dE_dout,
                                    Mul(Sym("δ"), Sym("w")))))
        # each neuron's backward events, then a shared bias's gradient apart
        shared = [e for e in mine if type(e) is BiasGradient and len(e.neurons) > 1]
        for n in layer.neurons:
            lines((e for e in mine if e.phase == "backward" and e not in shared
                   and n.name in where[quantities.owner_of(e)][1]),
                  heading=text("neuron", n.name))
        if shared:
            lines(shared, heading=text("shared_bias", shared[0].bias_name))
        descent = Mul(Sym("η"), partial("E_total", "w"))
        book_step = ("=", symbol("w"), "+", Mul(Mul(Sym("η"), Sym("δ")), Sym("x"))) if book else ()
        blocks += [("h3", text("new_weights")), ("p", say("update_prose_momentum", row(
            symbol("w+"), "=", symbol("w"), "+", Sym("v"), Text(", "), Sym("v"), "=",
            Mul(Sym("μ"), Sym("v")), "-", descent)) if net.momentum else say("update_prose", row(
                symbol("w+"), "=", symbol("w"), "-", descent, *book_step),  # books: + eta delta x
                row(Sym("η"), "=", c.n(net.learning_rate, False))))]
        if not net.train_biases and any(type(e) is BiasGradient for e in mine):
            blocks.append(("p", say("bias_gradients_only")))
        lines(e for e in mine if e.phase == "update")
        if matrix:
            lines((), heading=text("matrix_form"), more=matrix_form.backward_lines(
                net, step.values, k, digits, sign) + matrix_form.update_lines(
                net, step.values, k, digits, sign))

    if inputs_back:     # dE/di = sum_h delta_h w_hi: after the first layer, as a layer below it
        blocks.append(("h3", text("input_gradients")))
        dE_di = partial("E_total", net.input_names[0])
        blocks.append(("p", say("input_prose", Neg(dE_di) if book else dE_di,
                                Mul(Sym("δ"), Sym("w")))))
        lines(inputs_back)

    # the error after the update
    after_c = Context.of(net, digits, "+")
    blocks += [("h2", text("after", 3 + len(backward))), ("p", say(
        "after_prose", c.n(step.values["E_total"], False), c.n(step.values["E_total+"], False)))]
    after = [e for e in step.after if type(e) is not ForwardMessage and wanted(e)]
    for k, rows in by_layer(e for e in after if e.phase == "forward"):
        lines(rows, after_c, text("from_to", names[k], names[k + 1]))
    lines((e for e in after if e.phase == "error"), after_c, text("total_error"))

    shown = {content.name for kind, content in blocks if kind == "line"}
    return Sheet(text("title"), say("subtitle", repr(net)), blocks, lang, net, step, chosen,
                 _factors(net, shown), digits)


def _chosen(net, neurons):
    every = [n.name for n in net.neurons]
    if neurons is None:
        return set(every)
    if isinstance(neurons, str):
        neurons = neurons.replace(",", " ").split()
    if not isinstance(neurons, (list, tuple, set, frozenset)):
        raise ConfigurationError(f"neurons must be neuron names, a list like ['h1', 'o1'] or a "
                                 f"str like 'h1,o1', got {neurons!r}")
    for name in neurons:
        if not isinstance(name, str):
            raise ConfigurationError(f"neurons must be neuron names (str), got {name!r} in "
                                     f"{neurons!r}")
        if name not in every:
            raise UnknownNameError(f"neurons: no neuron is named {name!r}; the neurons are "
                                   f"{', '.join(every)}")
    if not neurons:
        raise ConfigurationError("neurons must name at least one neuron, got none")
    return set(neurons)


def _givens(net, inputs, targets, chosen, c, say, text):
    eq = lambda name, value: row(symbol(name), "=", c.n(value, False))  # noqa: E731
    given = lambda sym, value: row(Sym(sym), "=", c.n(value, False))  # noqa: E731
    outputs = [(n.name, t) for n, t in zip(net.output_layer.neurons, targets)]
    shown = [(o, t) for o, t in outputs if o in chosen] or outputs    # else all of them
    items = [(text("inputs"), [eq(i, x) for i, x in zip(net.input_names, inputs)]),
             (text("targets"), [eq(f"target_{o}", t) for o, t in shown])]
    items += [(text("weights"), weights) for weights in (   # a label a layer
        [eq(w, v) for n in layer.neurons if n.name in chosen for w, v in zip(n.weight_names,
                                                                            n.weights)]
        for layer in net.layers) if weights]
    biases = [eq(n.bias_name, n.bias) for layer in net.layers for k, n in enumerate(layer.neurons)
              if layer.bias_mode == "per_neuron" and n.name in chosen
              or layer.bias_mode == "shared" and k == 0]
    if biases:
        items.append((text("biases"), biases + ([] if net.train_biases
                                                else [text("biases_fixed")])))
    acts = {layer.activation.name: layer.activation.formula for layer in net.layers}
    rules = ([say("learning_rate", given("η", net.learning_rate))]
             + [say("activation", row(Sym("out"), "=", written(formula, {"net": Sym("net")}),
                                      Text(f" ({name})"))) for name, formula in acts.items()]
             + [say("loss", row(Sym("E", "o"), "=", written(net.loss.formula, {
                 "target": Sym("target"), "out": Sym("out"), "n": Sym("n")})))])
    if net.weight_decay:
        rules.append(say("weight_decay", given("λ", net.weight_decay), Mul(Sym("λ"), Sym("w"))))
    if net.momentum:
        rules.append(say("momentum", given("μ", net.momentum)))
    return items + [(text("rules"), rules)]


def _factors(net, shown):
    """For each weight, the names of the lines of its chain rule (for the HTML highlighting):
    w5 from h1 into o1 reads dE/dw5, w5+, o1's dE/dout, dout/dnet and delta, the messages and
    deltas of the neurons above o1 (none: it is an output) and out_h1."""
    above = {n.name: [u.name for u in upper.neurons]
             for lower, upper in zip(net.layers, net.layers[1:]) for n in lower.neurons}

    def chain(w, s, h):
        names = [f"dE/d{w}", f"{w}+", f"dE/dout_{h}", f"dout_{h}/dnet_{h}", f"delta_{h}"] + [
            name for u in above.get(h, ()) for name in (f"dE_{u}/dout_{h}", f"delta_{u}")]
        return [name for name in names + [f"out_{s}"] if name in shown]   # no out_i1: i1 is x
    return {w: chain(w, s, h) for w, s, h in wiring(net)}


# -- writing ---------------------------------------------------------------------------------------

def to_plain(sheet):
    """The worksheet as plain text: headings underlined, each line of the calculation indented."""
    wrap = lambda segments: textwrap.wrap(_segments_text(segments), 100,  # noqa: E731
                                          break_on_hyphens=False)
    # a heading's rule as wide as its columns in a terminal (CJK characters are two wide)
    underlined = lambda heading, rule: [heading, rule * sum(  # noqa: E731
        2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in heading)]
    return "\n".join(underlined(sheet.title, "=") + wrap(sheet.subtitle) + write_blocks(sheet, {
        "h2": lambda heading: [""] + underlined(heading, "-"),
        "h3": lambda heading: ["", heading],
        "p": wrap,
        "line": lambda line: ["  " + line.text],
        "givens": lambda givens: given_lines(givens, sheet.lang, _segments_text, to_text),
    })) + "\n"


def _segments_text(segments):
    return "".join(s if isinstance(s, str) else to_text(s) for s in segments)


def worksheet(net=None, inputs=None, targets=None, *, format="text", digits=9, lang="en",
              neurons=None, matrix=False, convention=DELTA_CONVENTIONS[0]):
    """One update of ``net`` on ``(inputs, targets)`` written out; returns the document as text.

    ``format`` is ``"text"``, ``"markdown"`` (LaTeX in ``$$ ... $$`` blocks) or ``"html"`` (one
    self-contained file: inline CSS, an SVG diagram, MathML formulas). ``digits`` is the
    significant digits shown; ``lang`` is ``"en"`` or ``"zh"``; ``neurons`` (a list, or a
    string like ``"h1,o1"``) restricts the calculation to those neurons, for large networks.
    Without a network, Mazur's example and its sample. ``net`` itself is not changed: the
    update is computed on a copy.

    ``convention`` is the sign of delta the sheet is written in: ``"delta = dE/dnet"``
    (neurosim's, the default) or ``"delta = -dE/dnet"`` (the error signal of many books, with
    e = t - y: every delta, message and input gradient shown negated, dE/dw = -delta*x and
    w+ = w + eta*delta*x; the step itself is the same), the matrix form (``matrix=True``)
    too.
    """
    if net is None:
        from ..worked_examples import EXAMPLES
        make, x, t = EXAMPLES["mazur"]
        net, inputs, targets = (make(), x if inputs is None else inputs,
                                t if targets is None else targets)
    if inputs is None or targets is None:
        raise ConfigurationError("worksheet needs the sample: give inputs and targets "
                                 "(one value per input and per output neuron)")
    if format not in FORMATS:
        raise ConfigurationError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")
    sheet = build(net, inputs, targets, digits=digits, lang=lang, neurons=neurons,
                  matrix=matrix, convention=convention)
    from . import html, markdown
    from .notebook import Document     # a str that Jupyter shows rendered (notebook.py)
    writer = {"text": to_plain, "markdown": markdown.to_markdown, "html": html.to_html}[format]
    return Document(writer(sheet), format)

