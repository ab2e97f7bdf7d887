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
from dataclasses import dataclass, field

from .. import quantities
from ..errors import ConfigurationError, UnknownNameError
from ..events import BiasGradient, ForwardMessage, InputGradient, WeightGradient
from ..formula import (DELTA_CONVENTIONS, Context, Mul, Neg, Sym, Text, delta_sign, join_items,
                       number, partial, row, symbol, written)
from ..formula import to_text
from . import i18n, matrix_form

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
    i18n.text(lang, "title")  # checks lang
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
    say = lambda key, *args: i18n.say(lang, key, *args)  # noqa: E731
    text = lambda key, *args: i18n.text(lang, key, *args)  # noqa: E731
    gradients = {e.weight_name if type(e) is WeightGradient else e.bias_name: e
                 for e in step.record if type(e) in (WeightGradient, BiasGradient)}
    factors = {}        # neuron -> (its dE/dout at an output, its messages, its f'(net))
    for e in step.record:
        kind = type(e).__name__
        if kind in ("OutputErrorDerivative", "BackwardMessage", "ActivationDerivative"):
            owner = e.sender if kind == "BackwardMessage" else e.neuron
            error, messages, local = factors.get(owner, (None, [], None))
            factors[owner] = (e if kind == "OutputErrorDerivative" else error,
                              messages + [e] if kind == "BackwardMessage" else messages,
                              e if kind == "ActivationDerivative" else local)
    c = Context.of(net, digits, convention=convention, gradients=gradients, factors=factors)
    after_c = Context.of(net, digits, "+")
    book = c.book_sign

    def line(event, context=c):
        tree = event.tree(context)
        return ("line", Line(quantities.name_of(event) + context.suffix, to_text(tree), tree,
                             event.phase))

    layer_of = {}
    for k, layer in enumerate(net.layers):
        for n in layer.neurons:
            layer_of[n.name] = k
            layer_of.update((w, k) for w in n.weight_names)
            if n.bias_name:
                layer_of[n.bias_name] = k

    neurons_of = {}     # a weight's or bias's name -> the neurons it belongs to
    for n in net.neurons:
        for p in n.weight_names + ([n.bias_name] if n.bias_name else []):
            neurons_of.setdefault(p, []).append(n.name)

    def wanted(event):
        owner = quantities.owner_of(event)
        if owner is None or owner in chosen:
            return True
        return any(n in chosen for n in neurons_of.get(owner, ()))   # of a chosen neuron?

    # dE/di = sum_h delta_h w_hi reads every first-layer neuron: shown with all of them
    first_layer = {n.name for n in net.layers[0].neurons}
    inputs_back = [e for e in step.record if type(e) is InputGradient and first_layer <= chosen]
    events = [e for e in step.record if type(e) not in (ForwardMessage, InputGradient)
              and wanted(e)]
    blocks = []
    if chosen != {n.name for n in net.neurons}:
        order = [n.name for n in net.neurons if n.name in chosen]
        blocks.append(("p", say("only_neurons", ", ".join(order))))
    if book:
        blocks.append(("p", say("convention_note", row(Sym("δ"), "=", Neg(partial("E", "net"))),
                                row(Sym("e"), "=", Sym("t"), "-", Sym("y")),
                                row(Sym("δ"), "=", partial("E", "net")))))
    blocks.append(("h2", text("given")))
    blocks.append(("givens", _givens(net, inputs, targets, chosen, c, lang)))

    # 1. forward
    number_ = 1
    blocks.append(("h2", text("forward", number_)))
    act = net.layers[0].activation
    blocks.append(("p", say("forward_prose",
                            row(Sym("net"), "=", "Σ", Mul(Sym("w"), Sym("x")), "+", Sym("b")),
                            row(Sym("out"), "=", written(act.formula, {"net": Sym("net")})))))
    names = _layer_names(net, lang)
    forward_of = {}     # layer -> its forward events, in one pass (deep networks)
    for e in events:
        if e.phase == "forward":
            forward_of.setdefault(layer_of[e.neuron], []).append(e)
    if matrix:
        blocks.append(("p", say("matrix_prose", Sym("W"), Sym("⊙"))))

    def matrix_lines(lines):
        if matrix:
            blocks.append(("h3", text("matrix_form")))
            blocks.extend(("line", Line(name, to_text(tree), tree, phase))
                          for name, tree, phase in lines)

    for k, layer in enumerate(net.layers):
        rows = forward_of.get(k, [])
        if rows:
            blocks.append(("h3", text("from_to", names[k], names[k + 1])))
            blocks.extend(line(e) for e in rows)
            matrix_lines(matrix_form.forward_lines(net, step.values, k, digits))

    # 2. the total error
    number_ += 1
    blocks.append(("h2", text("error", number_)))
    blocks.append(("p", say("error_prose")))
    blocks.extend(line(e) for e in events if e.phase == "error")

    # 3... each layer from the top: gradients, then new weights
    gradients_of = {}   # layer -> its backward and update events, in one pass
    for e in events:
        if e.phase in ("backward", "update"):
            gradients_of.setdefault(layer_of[quantities.owner_of(e)], []).append(e)
    for k in range(len(net.layers) - 1, -1, -1):
        layer = net.layers[k]
        mine = gradients_of.get(k, [])
        if not mine:
            continue
        number_ += 1
        blocks.append(("h2", text("gradients", number_, text("from_to", names[k], names[k + 1])
                                  if lang == "zh" else names[k + 1])))
        h, w = layer.neurons[0].name, layer.neurons[0].weight_names[0]
        if k == len(net.layers) - 1:
            blocks.append(("p", say("output_prose", row(
                partial("E_total", w), "=", Mul(Mul(partial("E_total", f"out_{h}"),
                                                    partial(f"out_{h}", f"net_{h}")),
                                                partial(f"net_{h}", w))))))
        else:
            key = "hidden_prose_updated" if net.hidden_deltas == "updated_weights" \
                else "hidden_prose"
            dE_dout = partial("E_total", f"out_{h}")
            blocks.append(("p", say(key, Neg(dE_dout) if book else dE_dout,
                                    Mul(Sym("δ"), Sym("w")))))
        of_neuron = {}      # neuron -> its backward events (a shared bias's gradient apart)
        for e in mine:
            if e.phase == "backward" and not (type(e) is BiasGradient and len(e.neurons) > 1):
                owner = quantities.owner_of(e)
                for name in neurons_of.get(owner, (owner,)):
                    of_neuron.setdefault(name, []).append(e)
        for n in layer.neurons:
            rows = of_neuron.get(n.name, [])
            if rows:
                blocks.append(("h3", text("neuron", n.name)))
                blocks.extend(line(e) for e in rows)
        shared = [e for e in mine if type(e) is BiasGradient and len(e.neurons) > 1]
        if shared:
            blocks.append(("h3", text("shared_bias", shared[0].bias_name)))
            blocks.extend(line(e) for e in shared)
        updates = [e for e in mine if e.phase == "update"]
        blocks.append(("h3", text("new_weights")))
        if net.momentum:
            blocks.append(("p", say("update_prose_momentum", row(
                symbol("w+"), "=", symbol("w"), "+", Sym("v"), Text(", "), Sym("v"), "=",
                Mul(Sym("μ"), Sym("v")), "-", Mul(Sym("η"), partial("E_total", "w"))))))
        elif book:
            blocks.append(("p", say("update_prose", row(
                symbol("w+"), "=", symbol("w"), "-", Mul(Sym("η"), partial("E_total", "w")),
                "=", symbol("w"), "+", Mul(Mul(Sym("η"), Sym("δ")), Sym("x"))),
                row(Sym("η"), "=", number(net.learning_rate, digits, False)))))
        else:
            blocks.append(("p", say("update_prose", row(
                symbol("w+"), "=", symbol("w"), "-", Mul(Sym("η"), partial("E_total", "w"))),
                row(Sym("η"), "=", number(net.learning_rate, digits, False)))))
        if not net.train_biases and any(type(e) is BiasGradient for e in mine):
            blocks.append(("p", say("bias_gradients_only")))
        blocks.extend(line(e) for e in updates)
        matrix_lines(matrix_form.backward_lines(net, step.values, k, digits, sign)
                     + matrix_form.update_lines(net, step.values, k, digits, sign))

    if inputs_back:     # dE/di = sum_h delta_h w_hi: after the first layer, as a layer below it
        i = net.input_names[0]
        blocks.append(("h3", text("input_gradients")))
        dE_di = partial("E_total", i)
        blocks.append(("p", say("input_prose", Neg(dE_di) if book else dE_di,
                                Mul(Sym("δ"), Sym("w")))))
        blocks.extend(line(e) for e in inputs_back)

    # the error after the update
    number_ += 1
    blocks.append(("h2", text("after", number_)))
    E, E_plus = step.values["E_total"], step.values["E_total+"]
    blocks.append(("p", say("after_prose", number(E, digits, False), number(E_plus, digits,
                                                                            False))))
    after = [e for e in step.after if type(e) is not ForwardMessage and wanted(e)]
    for k, layer in enumerate(net.layers):
        rows = [e for e in after if e.phase == "forward" and layer_of[e.neuron] == k]
        if rows:
            blocks.append(("h3", text("from_to", names[k], names[k + 1])))
            blocks.extend(line(e, after_c) for e in rows)
    blocks.append(("h3", text("total_error")))
    blocks.extend(line(e, after_c) for e in after if e.phase == "error")

    sheet = Sheet(text("title"), say("subtitle", repr(net)), blocks, lang, net, step, chosen,
                  digits=digits)
    sheet.factors = _factors(net, {b[1].name for b in blocks if b[0] == "line"})
    return sheet


def _chosen(net, neurons):
    every = [n.name for n in net.neurons]
    if neurons is None:
        return set(every)
    if isinstance(neurons, str):
        neurons = [p for p in neurons.replace(",", " ").split()]
    if not isinstance(neurons, (list, tuple, set, frozenset)):
        raise ConfigurationError(f"neurons must be neuron names, a list like ['h1', 'o1'] or a "
                                 f"str like 'h1,o1', got {neurons!r}")
    chosen = set()
    for name in neurons:
        if not isinstance(name, str):
            raise ConfigurationError(f"neurons must be neuron names (str), got {name!r} in "
                                     f"{neurons!r}")
        if name not in every:
            raise UnknownNameError(f"neurons: no neuron is named {name!r}; the neurons are "
                                   f"{', '.join(every)}")
        chosen.add(name)
    if not chosen:
        raise ConfigurationError("neurons must name at least one neuron, got none")
    return chosen


def _layer_names(net, lang):
    hidden = len(net.layers) - 1
    names = [i18n.text(lang, "input_layer")]
    for k in range(1, hidden + 1):
        names.append(i18n.text(lang, "hidden_layer") if hidden == 1
                     else i18n.text(lang, "hidden_layer_k", k))
    return names + [i18n.text(lang, "output_layer")]


def _givens(net, inputs, targets, chosen, c, lang):
    say = lambda key, *args: i18n.say(lang, key, *args)  # noqa: E731
    text = lambda key: i18n.text(lang, key)  # noqa: E731
    eq = lambda name, value: row(symbol(name), "=", number(value, c.digits, False))  # noqa: E731
    outputs = [n.name for n in net.output_layer.neurons]
    items = [(text("inputs"), [eq(i, x) for i, x in zip(net.input_names, inputs)]),
             (text("targets"), [eq(f"target_{o}", t) for o, t in zip(outputs, targets)
                                if o in chosen] or
              [eq(f"target_{o}", t) for o, t in zip(outputs, targets)])]
    for layer in net.layers:
        weights = [eq(w, v) for n in layer.neurons if n.name in chosen
                   for w, v in zip(n.weight_names, n.weights)]
        if weights:
            items.append((text("weights"), weights))
    biases = []
    for layer in net.layers:
        if layer.bias_mode == "shared":
            biases.append(eq(layer.bias_name, layer.neurons[0].bias))
        elif layer.bias_mode == "per_neuron":
            biases += [eq(n.bias_name, n.bias) for n in layer.neurons if n.name in chosen]
    if biases:
        items.append((text("biases"), biases + ([] if net.train_biases
                                                else [text("biases_fixed")])))
    rules = [say("learning_rate", row(Sym("η"), "=", number(net.learning_rate, c.digits, False)))]
    acts = []
    for layer in net.layers:
        if layer.activation.name not in acts:
            acts.append(layer.activation.name)
            rules.append(say("activation", row(Sym("out"), "=",
                                               written(layer.activation.formula,
                                                     {"net": Sym("net")}),
                                               Text(f" ({layer.activation.name})"))))
    rules.append(say("loss", row(Sym("E", "o"), "=", written(net.loss.formula, {
        "target": Sym("target"), "out": Sym("out"), "n": Sym("n")}))))
    if net.weight_decay:
        rules.append(say("weight_decay", row(Sym("λ"), "=", number(net.weight_decay, c.digits,
                                                                   False)),
                         Mul(Sym("λ"), Sym("w"))))
    if net.momentum:
        rules.append(say("momentum", row(Sym("μ"), "=", number(net.momentum, c.digits, False))))
    items.append((text("rules"), rules))
    return items


def _factors(net, shown):
    """For each weight, the names of the lines of its chain rule (for the HTML highlighting)."""
    factors = {}
    layers = net.layers
    for k, layer in enumerate(layers):
        senders = net.input_names if k == 0 else [n.name for n in layers[k - 1].neurons]
        for n in layer.neurons:
            h = n.name
            chain = [f"dE/dout_{h}", f"dout_{h}/dnet_{h}", f"delta_{h}"]
            if k < len(layers) - 1:
                for u in layers[k + 1].neurons:
                    chain += [f"dE_{u.name}/dout_{h}", f"delta_{u.name}"]
            for w, s in zip(n.weight_names, senders):
                names = [f"dE/d{w}", f"{w}+"] + chain
                if k:
                    names.append(f"out_{s}")
                factors[w] = [name for name in names if name in shown]
    return factors


# -- writing ---------------------------------------------------------------------------------------

def to_plain(sheet):
    """The worksheet as plain text: headings underlined, each line of the calculation indented."""
    out = [sheet.title, "=" * _width(sheet.title)]
    out += textwrap.wrap(_segments_text(sheet.subtitle), 100, break_on_hyphens=False)
    colon = "：" if sheet.lang == "zh" else ": "
    for kind, content in sheet.blocks:
        if kind == "h2":
            out += ["", content, "-" * _width(content)]
        elif kind == "h3":
            out += ["", content]
        elif kind == "p":
            out += textwrap.wrap(_segments_text(content), 100, break_on_hyphens=False)
        elif kind == "line":
            out.append("  " + content.text)
        elif kind == "givens":
            for label, trees in content:
                if trees and isinstance(trees[0], list):
                    out.append(f"{label}{colon}" + "; ".join(_segments_text(t) for t in trees))
                else:
                    out.append(f"{label}{colon}" + join_items(trees, to_text, str))
    return "\n".join(out) + "\n"


def _segments_text(segments):
    return "".join(s if isinstance(s, str) else to_text(s) for s in segments)


def _width(text):
    """Columns a heading takes in a terminal (CJK characters are two wide)."""
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


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
        from ..worked_examples import MAZUR_INPUTS, MAZUR_TARGETS, mazur
        net = mazur()
        inputs = MAZUR_INPUTS if inputs is None else inputs
        targets = MAZUR_TARGETS if targets is None else targets
    if inputs is None or targets is None:
        raise ConfigurationError("worksheet needs the sample: give inputs and targets "
                                 "(one value per input and per output neuron)")
    if format not in FORMATS:
        raise ConfigurationError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")
    sheet = build(net, inputs, targets, digits=digits, lang=lang, neurons=neurons,
                  matrix=matrix, convention=convention)
    from .notebook import Document     # a str that Jupyter shows rendered (notebook.py)
    if format == "text":
        return Document(to_plain(sheet), format)
    if format == "markdown":
        from .markdown import to_markdown
        return Document(to_markdown(sheet), format)
    from .html import to_html
    return Document(to_html(sheet), format)

