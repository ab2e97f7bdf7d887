"""What the classroom page calls in the browser: neurosim's own step, run in Pyodide, as JSON.

The page (``page.js``) computes no number of the calculation. It keeps the page's *state*, a
JSON object, and hands it here with every action; each function answers with JSON text:

``state``      ``{"network": <the saved network, as net.save() writes it>, "inputs": [...],
               "targets": [...], "lang": "en"}``
:func:`step`   the step of that network on that sample: every event of neurosim's step record
               in order (one message each), then the same sample's forward pass after the update;
               each message with its name, value, formula (the worksheet's MathML) and the
               connection or neuron it belongs to; the parameters; the SVG diagram
:func:`edit`   the state with one weight, bias, input, target or the learning rate changed
:func:`train`  the state after N updates on the sample
:func:`check`  typed answers judged by ``neurosim check``
:func:`training_start`, :func:`training_run`, :func:`training_neuron`: the training view

Every value goes out twice: ``value``, ``repr(float)`` (full precision, for ``data-value``),
and ``shown``, the hand calculation's nine significant digits. A bad value from the page comes
back as ``{"error": "one line"}``, the same sentence the command line prints.

The functions run the same on CPython, so the unit tests call them directly:

>>> import json
>>> out = json.loads(step(json.dumps(example("mazur"))))
>>> [(m["name"], m["shown"]) for m in out["messages"] if m["name"] in ("out_h1", "w5+")]
[('out_h1', '0.593269992'), ('w5+', '0.35891648')]
"""

import functools
import json
import math
from importlib import resources

from .. import quantities
from ..errors import ConfigurationError, InputError, NeurosimError
from ..events import Update, num
from ..render import i18n
from ..formula import Row, to_text
from ..render.mathml import to_mathml
from ..render.svg import diagram
from ..render.worksheet import event_formula
from ..serialize import from_document, loads, to_document

__all__ = ["example", "state_of", "problem", "step", "edit", "load_network", "train", "check",
           "training_start", "training_run", "training_neuron", "DATASETS", "MAX_RUN", "TEXTS"]

#: The most updates one "run N steps" or one training call may ask for (the page stays live).
MAX_RUN = 100_000

#: The data sets of the training view: neurosim.datasets functions of two inputs, one output.
DATASETS = ("xor", "circle", "xor_quadrants", "gaussians", "spiral", "and_gate", "or_gate")

#: The page's words in English and Chinese, from ``texts.json`` (each key with its "en" and
#: "zh"), and the worksheet's own words from :mod:`neurosim.render.i18n`; ``page.js`` puts them
#: where ``data-text="KEY"`` stands.
_WORDS = json.loads(resources.files(__package__).joinpath("texts.json").read_text("utf-8"))
TEXTS = {lang: {**{key: words[lang] for key, words in _WORDS.items()},
                **{key: i18n.text(lang, key) for key in ("inputs", "targets", "weights",
                                                         "biases")}}
         for lang in ("en", "zh")}


def _answer(function):
    """Wrap a bridge function: JSON in, JSON out, a NeurosimError as ``{"error": text}``."""
    @functools.wraps(function)
    def wrapped(*args):
        try:
            return json.dumps(function(*args), allow_nan=False)
        except NeurosimError as error:
            return json.dumps({"error": str(error)})
    return wrapped


def example(name="mazur"):
    """The state of a published example (``neurosim.worked_examples.EXAMPLES``) as a dict."""
    from ..worked_examples import EXAMPLES
    if name not in EXAMPLES:
        raise ConfigurationError(f"example must be one of {', '.join(sorted(EXAMPLES))}, "
                                 f"got {name!r}")
    build, inputs, targets = EXAMPLES[name]
    return state_of(build(), inputs, targets)


def state_of(net, inputs, targets, lang="en"):
    """The page's state of ``net`` and its sample."""
    return {"network": to_document(net), "inputs": [float(x) for x in inputs],
            "targets": [float(t) for t in targets], "lang": lang}


def _parsed(text, what="the page's state"):
    """The page's state (or the typed answers, a training configuration) from its JSON text;
    a dict is taken as it is."""
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError as error:
        raise InputError(f"{what} must be JSON, got an error: {error}") from None


def _with(state, net, inputs, targets):
    """``state`` with its network and sample replaced, its other keys (the language) kept."""
    return {**state, **state_of(net, inputs, targets, state.get("lang", "en"))}


def problem(state):
    """(net, inputs, targets) of a state (its JSON text or dict), checked."""
    state = _parsed(state)
    if not isinstance(state, dict) or not {"network", "inputs", "targets"} <= set(state):
        raise InputError("the page's state must be an object with network, inputs and "
                         f"targets, got {str(state)[:80]!r}")
    net = from_document(state["network"])
    return (net, net._vector(state["inputs"], "inputs", net.layer_sizes[0]),
            net._vector(state["targets"], "targets", net.layer_sizes[-1]))


def _message(event, net, weights, after):
    """One event as the page shows it."""
    suffix = "+" if after else ""
    name = quantities.name_of(event) + suffix
    value = quantities.from_events([event], suffix)[name]
    tree = event_formula(event, net, after=after)
    items = tree.items if isinstance(tree, Row) else (tree,)
    edge = event.name if type(event) is Update and event.name in weights else \
        getattr(event, "weight_name", None)
    # a BackwardMessage enters the hidden neuron it names as its sender
    neuron = event.sender if type(event).__name__ == "BackwardMessage" else \
        getattr(event, "neuron", None) or getattr(event, "receiver", None)
    return {"name": name, "value": repr(value), "shown": num(value, 9),
            "phase": "after" if after else event.phase, "edge": edge, "neuron": neuron,
            "text": to_text(tree), "mathml": _pieces(items),
            "question": _pieces(items[:3])}        # name = the symbols, for the exercise


def _pieces(items):
    """The formula's ``items`` as one ``<math>`` per side of its ``=`` signs, so that a long
    line wraps at an ``=`` on a narrow screen (as the HTML worksheet writes its lines)."""
    cuts = [0] + [k for k, item in enumerate(items) if item == "=" and k] + [len(items)]
    return "".join(f'<math displaystyle="true">{to_mathml(Row(tuple(items[a:b])))}</math>'
                   for a, b in zip(cuts, cuts[1:]))


@_answer
def step(state):
    """The step of the state's network on its sample: messages, parameters and diagram."""
    state = _parsed(state)
    net, inputs, targets = problem(state)
    lang = state.get("lang", "en")
    worked = quantities.worked_step(net, inputs, targets)
    weights = {w for n in net.neurons for w in n.weight_names}
    messages = [_message(e, net, weights, False) for e in worked.record]
    messages += [_message(e, net, weights, True) for e in worked.after
                 if type(e).__name__ != "ForwardMessage"]
    parameters = [*((i, "input", x) for i, x in zip(net.input_names, inputs)),
                  *((f"target_{n.name}", "target", t)
                    for n, t in zip(net.output_layer.neurons, targets)),
                  *((p.name, p.kind, p.value) for p in net.parameters()),
                  ("learning_rate", "rule", net.learning_rate)]
    new = {n: worked.values[n + "+"] for n in net.parameter_names() if n + "+" in worked.values}
    return {"messages": messages, "parameters": [
                {"name": name, "kind": kind, "value": repr(float(value))}
                for name, kind, value in parameters],
            "svg": diagram(net, inputs=inputs, targets=targets, new_weights=new, lang=lang),
            "summary": repr(net), "trains_biases": net.train_biases}


def _number(name, text):
    """The float a page field holds, or an InputError naming the field."""
    try:
        value = float(str(text).strip())
    except ValueError:
        raise InputError(f"{name} must be a number, got {str(text)[:40]!r}") from None
    if not math.isfinite(value):
        raise InputError(f"{name} must be a finite number, got {text!r}")
    return value


@_answer
def edit(state, name, text):
    """The state with the parameter ``name`` (``w5``, ``b1``, ``i1``, ``target_o1`` or
    ``learning_rate``) set to the number ``text``."""
    state = _parsed(state)
    net, inputs, targets = problem(state)
    value = _number(name, text)
    outputs = [f"target_{n.name}" for n in net.output_layer.neurons]
    if name in net.input_names:
        inputs[list(net.input_names).index(name)] = value
    elif name in outputs:
        targets[outputs.index(name)] = value
    elif name == "learning_rate":
        net = from_document(dict(to_document(net), learning_rate=value))   # the format's checks
    elif name in net.parameter_names():
        net[name] = value
    else:
        raise InputError(f"no parameter of this network is named {name!r}; the page edits "
                         f"{', '.join(list(net.input_names) + outputs + net.parameter_names())}"
                         f" and learning_rate")
    return _with(state, net, inputs, targets)


@_answer
def load_network(state, text):
    """The state with the network of ``text`` (a saved network's JSON, as an imported file
    holds); the sample is kept where its sizes fit, else zeros of the new sizes."""
    state = _parsed(state)
    net = loads(text)
    inputs, targets = (given if len(given) == size else [0.0] * size for given, size in
                       ((state.get("inputs", []), net.layer_sizes[0]),
                        (state.get("targets", []), net.layer_sizes[-1])))
    return _with(state, net, inputs, targets)


@_answer
def train(state, count):
    """The state after ``count`` updates on its sample, and the error before each update."""
    state = _parsed(state)
    net, inputs, targets = problem(state)
    count = count if isinstance(count, int) else int(_number("the number of steps", count))
    if not 1 <= count <= MAX_RUN:
        raise InputError(f"the number of steps must be from 1 to {MAX_RUN:,}, got {count}")
    first = [net.train(inputs, targets) for _ in range(count)][0]
    after = net.total_error([(inputs, targets)])
    return {"state": _with(state, net, inputs, targets), "steps": count, "first": repr(first),
            "E_total": repr(after), "shown": num(after, 9)}


@_answer
def check(state, answers):
    """The typed ``answers`` (JSON ``{"net_h1": "0.3775", ...}``) judged by ``neurosim check``
    against the state's step: per name its status (right, rounding, wrong) and explanation."""
    from ..hand_check import check as judge
    net, inputs, targets = problem(state)
    claims = {name: str(text).strip() for name, text in _parsed(answers, "the answers").items()
              if str(text).strip()}
    if not claims:
        raise InputError("type a value to check first: every answer is blank")
    report = judge(claims, net, inputs, targets)
    return {"ok": report.ok, "results": [
        {"name": r.name, "status": r.status, "kind": r.kind, "explanation": r.explanation}
        for r in report.results]}


# -- the training view ----------------------------------------------------------------------------

GRID = 40


class _Training:
    """A network training on a 2-D data set: kept between calls, as the page trains in ticks."""

    def __init__(self, config):
        from .. import datasets
        from ..network import NeuralNetwork
        name = config.get("dataset", "xor")
        if name not in DATASETS:
            raise ConfigurationError(f"dataset must be one of {', '.join(DATASETS)}, got "
                                     f"{name!r}")
        hidden = [_number("hidden layer size", h)
                  for h in str(config.get("hidden", "4")).replace(",", " ").split()]
        if not hidden or len(hidden) > 4 or not all(h.is_integer() and 1 <= h <= 16
                                                    for h in hidden):
            raise InputError(f"hidden layers must be 1 to 4 sizes from 1 to 16, like '4' or "
                             f"'6 3', got {config.get('hidden')!r}")
        self.seed = int(_number("seed", config.get("seed", 1)))
        make = getattr(datasets, name)
        data = make() if name in ("xor", "and_gate", "or_gate") else \
            make(int(_number("points", config.get("points", 200))), seed=self.seed,
                 noise=_number("noise", config.get("noise", 0.0)))
        self.samples = datasets.MinMaxScaler(-1, 1).fit_transform(list(data))
        self.net = NeuralNetwork([2, *map(int, hidden), 1], seed=self.seed,
                                 activation=config.get("activation", "tanh"),
                                 output_activation="sigmoid",
                                 learning_rate=_number("learning rate",
                                                       config.get("learning_rate", 0.5)))
        self.errors = []

    def grid(self, neuron=None):
        """The output (or ``neuron``'s out) at GRID x GRID points of [-1.2, 1.2]^2, rows from
        the top (y = 1.2) down, as the canvas paints them."""
        ticks = [-1.2 + 2.4 * k / (GRID - 1) for k in range(GRID)]
        return [out[0] if neuron is None else self.net[neuron].out
                for y in ticks for x in ticks for out in [self.net.feed_forward([x, -y])]]

    def view(self, epochs):
        """Train ``epochs`` more epochs; the loss curve, accuracy and decision grid."""
        from ..training import accuracy, fit
        if epochs:
            self.errors += fit(self.net, self.samples, epochs=epochs,
                               seed=self.seed + len(self.errors)).errors
        net, errors = self.net, self.errors
        return {"epoch": len(errors), "errors": [repr(e) for e in errors],
                "loss": repr(errors[-1]) if errors else None,
                "loss_shown": num(errors[-1], 9) if errors else "",
                "accuracy": repr(accuracy(net, self.samples)), "grid": self.grid(),
                "size": GRID, "points": [[x[0], x[1], t[0]] for x, t in self.samples],
                "neurons": [n.name for n in net.neurons], "summary": repr(net),
                "svg": diagram(net, labels=sum(len(n.weights) for n in net.neurons) <= 24)}


_training = None


def _started():
    if _training is None:
        raise ConfigurationError("start the training view first (training_start)")
    return _training


@_answer
def training_start(config):
    """Build the training view's network and data set from ``config`` (JSON: dataset, hidden,
    activation, learning_rate, points, noise, seed)."""
    global _training
    _training = _Training(_parsed(config, "the training configuration"))
    return _training.view(0)


@_answer
def training_run(epochs):
    """Train ``epochs`` more epochs; the loss curve (``errors``: the total error over the data
    set after each epoch; ``loss``: the last), accuracy and decision grid."""
    return _started().view(int(epochs))


@_answer
def training_neuron(name):
    """One neuron of the training network opened: its weights, bias and its out over the grid."""
    neuron = _started().net[name]
    if not hasattr(neuron, "weights"):
        raise InputError(f"{name!r} is not a neuron of the training network")
    grid = _training.grid(name)
    return {"name": name, "weights": [[w, repr(v), num(v, 9)] for w, v in
                                      zip(neuron.weight_names, neuron.weights)],
            "bias": [neuron.bias_name, repr(neuron.bias), num(neuron.bias, 9)],
            "grid": grid, "size": GRID, "lo": min(grid), "hi": max(grid)}
