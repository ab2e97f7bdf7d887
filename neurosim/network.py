"""NeuralNetwork: layers of neurons, a loss, a learning rate, and the rules of the update.

If ``layer_sizes`` is ``[2, 2, 2]`` the network has 2 inputs (``i1``, ``i2``), one hidden layer
of 2 neurons (``h1``, ``h2``) and an output layer of 2 (``o1``, ``o2``): Mazur's example.

Names follow the hand calculation. Hidden neurons are numbered ``h1, h2, ...`` continuously
across all hidden layers, as seed 002 numbers its neurons: a ``[2, 3, 2, 1]`` network has
``h1 h2 h3`` in its first hidden layer and ``h4 h5`` in its second. Weights are numbered
``w1, w2, ...`` by layer, then receiving neuron, then sending neuron, continuously across
layers (``w1`` i1->h1, ``w2`` i2->h1, ``w3`` i1->h2, ``w4`` i2->h2, ``w5`` h1->o1, ...). A
shared bias is ``b1``, ``b2``, ... one per non-input layer; a per-neuron bias is named after its
neuron (``b_h1``, ``b_o1``).

Deliberate departures from Mazur's post, each an option:

* biases are per neuron and trained by default (``bias="per_neuron"``, ``train_biases=True``);
  Mazur's example is ``bias="shared", train_biases=False`` (see :func:`neurosim.worked_examples.mazur`);
* a bias or weight of 0.0 is a value: Mazur's code replaces a 0 bias with a random one;
* random initial weights come from the network's own ``random.Random(seed)``, never the global
  generator: uniform in ``[-r, r]`` with ``r = sqrt(6 / (fan_in + fan_out))`` (Glorot and
  Bengio 2010) for sigmoid, tanh, identity and softplus layers and ``r = sqrt(6 / fan_in)``
  (He et al. 2015) for relu and leaky_relu layers, drawn layer by layer, neuron by neuron,
  weight by weight; initial biases are 0.0.
"""

import difflib
import gc
import random
from math import fsum, isfinite

from . import engine, losses, propagation
from .calculation import canonical, names, threshold_name
from .validation import (NOT_A_LIST, check_activations, check_biases, check_flag, check_type,
                        check_loss_output, check_names, check_softmax, check_number, check_seed, check_sizes,
                        check_weights, explain_vector, init_range)
from .errors import ConfigurationError, NeurosimError, NumericalError, ShapeError, UnknownNameError
from .layer import BIAS_MODES, NeuronLayer, Parameter
from .neuron import Neuron

__all__ = ["NeuralNetwork"]

HIDDEN_DELTAS = ("original_weights", "updated_weights")


class NeuralNetwork:
    """A layered feed-forward network simulated neuron by neuron.

    >>> net = NeuralNetwork([2, 2, 2], seed=1)
    >>> net
    NeuralNetwork([2, 2, 2], activation='sigmoid', loss='half_squared_error', learning_rate=0.5, bias='per_neuron')
    >>> [layer.kind for layer in net.layers], net.output_layer.neurons[0].name
    (['hidden', 'output'], 'o1')
    """

    #: How many passes feed_forward and step_through have run (see :meth:`_guarded_step`).
    _passes = 0

    def __init__(self, layer_sizes, *, activation="sigmoid", output_activation=None,
                 loss="half_squared_error", learning_rate=0.5, bias="per_neuron",
                 train_biases=True, weight_decay=0.0, hidden_deltas="original_weights",
                 seed=None, momentum=0.0, names=None, thresholds=False, _weights=None,
                 _biases=None):
        sizes = check_sizes(layer_sizes)
        self.layer_sizes = sizes
        self.loss = losses.get(loss)
        self.learning_rate = check_number("learning_rate", learning_rate, low=0.0,
                                           error=ConfigurationError)
        self.weight_decay = check_number("weight_decay", weight_decay, low=0.0,
                                          error=ConfigurationError)
        self.momentum = check_number("momentum", momentum, low=0.0, below=1.0,
                                      error=ConfigurationError)
        if bias not in BIAS_MODES:
            raise ConfigurationError(f"bias must be one of {', '.join(BIAS_MODES)}, got {bias!r}")
        self.bias_mode = bias
        self.train_biases = check_flag("train_biases", train_biases) and bias != "none"
        #: True when each neuron's bias is a threshold theta (net = sum w x - theta; see
        #: neurosim.calculation.THRESHOLD): named theta_h1, held in the neuron's ``bias``.
        self.thresholds = check_flag("thresholds", thresholds)
        if self.thresholds and bias != "per_neuron":
            raise ConfigurationError(f"thresholds=True needs one threshold per neuron "
                                     f"(bias='per_neuron'), got bias={bias!r}\n"
                                     "leave bias at its default with thresholds")
        if hidden_deltas not in HIDDEN_DELTAS:
            raise ConfigurationError(
                f"hidden_deltas must be one of {', '.join(HIDDEN_DELTAS)}, got {hidden_deltas!r}")
        self.hidden_deltas = hidden_deltas
        self.seed = check_seed(seed)
        self.rng = random.Random(seed)
        self.E_total = None  # the total error of the last training step's sample
        #: dE/di for each input after a backward pass (sum_h delta_h w_hi over the first
        #: layer, the weights before the update), in the order of ``input_names``
        self.dE_dinputs = None
        #: True once a step has updated the weights after computing the partials the neurons
        #: hold: the neurons' out, delta and dE/dw are then of the weights before the update
        #: (w5), and their weights are the new ones (w5+).
        self.weights_updated = False
        acts = check_activations(activation, output_activation, len(sizes) - 1)
        check_softmax(acts, sizes)
        check_loss_output(self.loss, acts[-1])
        layer_names = check_names(names, sizes)
        self.input_names = layer_names[0]
        self.layers = []
        w_count = 0
        for k, (fan_in, size, act) in enumerate(zip(sizes, sizes[1:], acts)):
            kind = "output" if k == len(sizes) - 2 else "hidden"
            shared = f"b{k + 1}" if bias == "shared" else None
            neurons = []
            for j, name in enumerate(layer_names[k + 1]):
                w_names = [f"w{w_count + i + 1}" for i in range(fan_in)]
                w_count += fan_in
                if _weights is None:
                    r = init_range(act, fan_in, size)
                    weights = [self.rng.uniform(-r, r) for _ in range(fan_in)]
                else:
                    weights = _weights[k][j]
                b_name = shared if bias == "shared" else (f"b_{name}" if bias == "per_neuron"
                                                          else None)
                if self.thresholds:
                    b_name = threshold_name(name)
                b = 0.0 if _biases is None else _biases[k][j]
                neurons.append(Neuron(name, weights, b, weight_names=w_names, bias_name=b_name))
            self.layers.append(NeuronLayer(neurons, act, bias, index=k + 1, kind=kind,
                                           bias_name=shared))
        self._index = self._build_index()

    def __getstate__(self):
        """Pickle and copy without the compiled steps kept on the network (engine.compiled)."""
        state = self.__dict__.copy()
        state.pop("_steps", None)
        return state

    # -- construction from given weights ------------------------------------------------------

    @classmethod
    def from_weights(cls, weights, biases=None, *, thresholds=None, **options):
        """Build a network with the given weights (and biases) instead of random ones.

        ``weights[l][j][i]`` is the weight into neuron ``j`` of layer ``l+1`` from neuron ``i``
        of layer ``l`` (rows are receiving neurons, as W in W @ x). ``biases[l]`` is a list of
        per-neuron biases, or one number for the whole layer (required form when
        ``bias="shared"``). Without ``biases`` every bias is 0.0.

        ``thresholds`` in place of ``biases`` writes the network as books with thresholds do
        (Negnevitsky): ``thresholds[l][j]`` is theta of neuron ``j`` of layer ``l+1``, on a
        fixed input of -1, so ``net = sum w x - theta``; the names are ``theta_h1``,
        ``theta_o1`` and the numbers those of the bias form with ``b = -theta``
        (``thresholds=True`` with ``biases`` reads those values as thresholds, as a saved
        network's are read):

        >>> net = NeuralNetwork.from_weights([[[0.5, 0.4], [0.9, 1.0]], [[-1.2, 1.1]]],
        ...                                  thresholds=[[0.8, -0.1], [0.3]], learning_rate=0.1)
        >>> net["theta_h1"], round(net.feed_forward([1, 1])[0], 4)
        (0.8, 0.5097)

        >>> net = NeuralNetwork.from_weights([[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45], [0.5, 0.55]]],
        ...                                  [0.35, 0.6], bias="shared", train_biases=False)
        >>> net["w6"], net["b2"], [round(o, 9) for o in net.feed_forward([0.05, 0.1])]
        (0.45, 0.6, [0.75136507, 0.772928465])
        """
        if "layer_sizes" in options:
            raise ConfigurationError("from_weights takes no layer_sizes: the weights give them")
        matrix = check_weights(weights)
        sizes = [len(matrix[0][0])] + [len(layer) for layer in matrix]
        if isinstance(thresholds, bool):    # the flag: any biases given are thresholds
            options["thresholds"], thresholds = thresholds, (biases if thresholds else None)
            biases = None if options["thresholds"] else biases
        if thresholds is not None:
            if biases is not None:
                raise ConfigurationError("give biases or thresholds, not both\n"
                                         "a threshold is a bias with its sign turned: "
                                         "theta = -b")
            if not options.get("thresholds", True):
                raise ConfigurationError("thresholds=[...] values were given with "
                                         "thresholds=False\ndrop one of the two")
            options["thresholds"] = True
            bias_values = check_biases(thresholds, sizes, options.get("bias", "per_neuron"),
                                       field="thresholds")
        else:
            bias_values = check_biases(biases, sizes, options.get("bias", "per_neuron"))
        return cls(sizes, _weights=matrix, _biases=bias_values, **options)

    # -- the public operations -----------------------------------------------------------------

    def feed_forward(self, inputs):
        """Run the forward pass and return the outputs; every neuron keeps its net and out.

        >>> from neurosim.worked_examples import mazur
        >>> net = mazur()
        >>> [round(o, 9) for o in net.feed_forward([0.05, 0.1])], round(net["h1"].net, 4)
        ([0.75136507, 0.772928465], 0.3775)
        """
        x = self._vector(inputs, "inputs")
        self._passes += 1  # the neurons now hold this pass: a paused step_through is stale
        return propagation.feed_forward(self, x)

    def train(self, inputs, targets, *, record=False):
        """One online gradient-descent step on one sample; returns E_total before the update.

        All gradients are computed first, then every weight (and trainable bias) moves by
        ``-learning_rate * dE/dw``. With ``record=True`` it returns the step's
        :class:`~neurosim.events.StepRecord` instead: every message, partial and update.

        >>> from neurosim.worked_examples import mazur
        >>> net = mazur()
        >>> round(net.train([0.05, 0.1], [0.01, 0.99]), 9), round(net["w5"], 8)
        (0.298371109, 0.35891648)
        """
        x = self._vector(inputs, "inputs", self.layer_sizes[0])
        t = self._vector(targets, "targets", self.layer_sizes[-1])
        if record is not False:
            check_flag("record", record)
            return _recorded(propagation.record, self, x, t)
        return propagation.train_step(self, x, t)  # the same step as plain loops, no generator

    def step_through(self, inputs, targets):
        """An iterator over one training step: each ``next()`` computes exactly one event.

        The network's objects always hold the state of the computation so far; the weights
        change only when the iterator reaches their update events. Run to the end, it gives
        the same numbers, bit for bit, as :meth:`train`.

        One step at a time: while a step is paused its state is on the neurons, and anything
        else that runs a pass on the network (:meth:`train`, :meth:`fit`,
        :meth:`feed_forward`, a gradient check, another ``step_through``) overwrites it. The
        paused iterator then refuses to go on (:class:`~neurosim.errors.NeurosimError`) rather
        than mix two steps. Iterators run one after the other are fine, and so is setting a
        weight during a pause (``net["w5"] = 0.3``): the rest of the step uses the new value.

        >>> from neurosim.worked_examples import mazur
        >>> net = mazur()
        >>> steps = net.step_through([0.05, 0.1], [0.01, 0.99])
        >>> print(next(steps))
        w1*i1 = 0.15*0.05 = 0.0075    (i1 -> h1)
        """
        x = self._vector(inputs, "inputs")
        t = self._vector(targets, "targets")
        self._clear_partials()
        self._passes += 1  # a step paused before this call no longer has its state
        return self._guarded_step(x, t)

    def _guarded_step(self, x, t):
        """The observed step of :mod:`neurosim.propagation`, refusing to resume after another pass.

        Every training step (``train``, ``record=True``, ``fit``, a gradient check: all run by
        :mod:`neurosim.propagation`) stores a new float object in
        ``net.E_total``; ``feed_forward`` and ``step_through`` count ``net._passes``. At each
        resume this generator checks that neither changed since its last event, so
        ``net.train`` pays nothing for the guard.
        """
        self._clear_partials()  # again: another pass may have run since step_through()
        self._passes += 1
        mine = self._passes
        steps = propagation.observe(self, x, t)
        try:
            while True:
                try:
                    event = next(steps)
                except StopIteration as end:
                    return end.value  # E_total, as propagation.observe returns it
                mark = self.E_total  # this step's own, once it has computed its error
                yield event
                if self._passes != mine or self.E_total is not mark:
                    raise NeurosimError(
                        "this step_through cannot go on: another pass (train, fit, "
                        "feed_forward, a gradient check or another step_through) ran on the "
                        "network while it was paused and overwrote its state\n"
                        "start a new step_through, and run steps one after the other")
        finally:
            steps.close()

    def _clear_partials(self):
        for n in self.neurons:  # so that a pause shows which quantities are not computed yet
            n.inputs = n.net = n.out = n.dE_dout = n.dout_dnet = n.delta = None
            n.dnet_dw = n.dE_dw = n.dE_db = n.target = n.error = None
        for layer in self.layers:
            layer.jacobian = None

    def total_error(self, samples):
        """Sum of E_total over ``(inputs, targets)`` pairs; leaves the neurons' state untouched.

        >>> from neurosim.worked_examples import mazur
        >>> round(mazur().total_error([([0.05, 0.1], [0.01, 0.99])]), 9)
        0.298371109
        """
        total = 0.0
        checked = self._samples(samples)
        error = engine.compiled(self, "error")   # E_total of a sample, as a step computes it
        for k, (inputs, targets) in enumerate(checked):
            try:
                E, terms = error(self, inputs, targets)
            except NumericalError as failure:
                raise NumericalError(f"samples[{k}]: {failure}") from None
            if not isfinite(E):
                culprits = [(f"error of {n.name}", e)
                            for n, e in zip(self.output_layer.neurons, terms) if not isfinite(e)]
                quantity, value = culprits[0] if culprits else ("E_total", E)  # terms overflowing
                raise NumericalError(f"samples[{k}]: {quantity} is {value!r}, expected a finite "
                                     "number\nscale the data or the weights")
            total += E
        if not isfinite(total):
            raise NumericalError(f"total_error is {total!r}, expected a finite number: the "
                                 f"errors of the {len(checked)} samples are finite but overflow "
                                 "when added\nscale the data or the weights")
        return total

    def fit(self, samples, *, epochs, mode="online", batch_size=None, shuffle=True, seed=None,
            target_error=None, momentum=None, callbacks=(), test_samples=None, interrupt=None,
            epoch_error=None, progress=False):
        """Train on ``samples`` (``(inputs, targets)`` pairs) for up to ``epochs`` epochs and
        return the :class:`~neurosim.training.History`; the keywords are the options of
        ``neurosim train`` (``--target-error``: ``target_error``).

        ``mode``: ``"online"`` (a step per sample), ``"minibatch"`` (a step per
        ``batch_size`` samples) or ``"batch"`` (a step per epoch); ``shuffle`` and ``seed``:
        a new order each epoch from ``random.Random(seed)``; ``target_error``: stop below this
        total error; ``momentum``: sets ``net.momentum``; ``callbacks``: functions called
        with the history after each epoch; ``test_samples``: measured after each epoch, never
        trained on; ``interrupt``: a function checked before each step; ``epoch_error``: a
        book's per-epoch error as well (``"sum, no half, during"``); ``progress=True``: a
        progress bar on standard error. The details: :func:`neurosim.training.fit`.

        >>> from neurosim.datasets import xor
        >>> net = NeuralNetwork([2, 4, 1], learning_rate=2.0, seed=1)
        >>> history = net.fit(xor(), epochs=2000, seed=1, target_error=0.01)
        >>> history.stop_reason, history.accuracies[-1]
        ('target_error', 1.0)
        """
        from .training import fit
        return fit(self, samples, epochs=epochs, mode=mode, batch_size=batch_size,
                   shuffle=shuffle, seed=seed, target_error=target_error, momentum=momentum,
                   callbacks=callbacks, test_samples=test_samples, interrupt=interrupt,
                   epoch_error=epoch_error, progress=progress)

    def save(self, path, *, force=False):
        """Write the network to ``path`` as versioned JSON, atomically; see
        :mod:`neurosim.serialize` (``force=True`` also replaces a read-only or hard-linked
        file)."""
        from .serialize import save
        return save(self, path, force=force)

    @classmethod
    def load(cls, path):
        """Read a network written by :meth:`save`, validating every field."""
        from .serialize import load
        return load(path)

    def _repr_html_(self):
        from .render.notebook import network_html
        return network_html(self)

    def _samples(self, samples, field="samples"):
        """The samples as a list of (inputs, targets) lists of floats, each checked once."""
        try:
            items = list(samples)
        except TypeError:
            raise ShapeError(f"{field} must be an iterable of (inputs, targets) pairs, "
                             f"got {samples!r}") from None
        checked = []
        for k, sample in enumerate(items):
            try:
                inputs, targets = sample
            except (TypeError, ValueError):
                raise ShapeError(f"{field}[{k}] must be an (inputs, targets) pair, "
                                 f"got {sample!r}") from None
            checked.append((self._vector(inputs, f"{field}[{k}] inputs"),
                            self._vector(targets, f"{field}[{k}] targets")))
        return checked

    # -- names ---------------------------------------------------------------------------------

    @property
    def output_layer(self):
        """The last layer."""
        return self.layers[-1]

    @property
    def neurons(self):
        """Every neuron, hidden layers first, in order."""
        return [n for layer in self.layers for n in layer.neurons]

    def parameters(self):
        """Every weight and bias as a :class:`~neurosim.layer.Parameter` (name, kind, holder,
        index, neurons, layer), in the order of the hand calculation: layer by layer, each
        layer's weights then its biases."""
        return [p for k, layer in enumerate(self.layers) for p in layer.parameters(k)]

    def parameter_names(self):
        """The names of every weight and bias, in the order of the hand calculation."""
        return [p.name for p in self.parameters()]

    def __getitem__(self, name):
        """``net["h1"]`` is a Neuron; ``net["w5"]`` and ``net["b1"]`` are current values."""
        entry = self._lookup(name)
        return entry if isinstance(entry, Neuron) else entry.value

    def __setitem__(self, name, value):
        """``net["w5"] = 0.4`` sets a weight; ``net["b1"] = 0.3`` a bias (all its neurons)."""
        entry = self._lookup(name)
        if isinstance(entry, Neuron):
            raise ConfigurationError(f"{name!r} is a neuron, not a weight or bias\n"
                                     f"set a weight by its name, e.g. net[{entry.weight_names[0]!r}]")
        entry.set(check_number(name, value))

    def __contains__(self, name):
        return name in self._index

    def _lookup(self, name):
        try:
            return self._index[name]
        except (KeyError, TypeError):
            pass
        if name in self.input_names:
            raise UnknownNameError(f"{name!r} is an input, not a neuron or parameter\n"
                                   "pass input values to feed_forward() or train()")
        where = self._quantity(name)
        if where is not None:
            raise UnknownNameError(
                f"{name!r} is a quantity of a training step, not a neuron, weight or bias\n"
                f"read it {where}, or every quantity of one step by name: "
                f"neurosim.quantities.of_step(net, inputs, targets)[{canonical(name)!r}]")
        close = difflib.get_close_matches(str(name), list(self._index), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownNameError(f"no neuron, weight or bias is named {name!r}{hint}\n"
                               f"names: {', '.join(self._index)}")

    def _quantity(self, name):
        """Where a step's quantity ``name`` (``delta_o1``, ``dE/dw5``: :mod:`neurosim.quantities`)
        is to be read on the network's objects, in words; None if ``name`` is no quantity."""
        key = canonical(name) if isinstance(name, str) else None
        if key is None or key not in names(self):
            return None
        if key.endswith("+"):
            return "after the update (net.train(inputs, targets), then net[...] or the neuron)"
        if key == "E_total":
            return "on the network after a pass: net.E_total"
        attributes = {"net_": "net", "out_": "out", "delta_": "delta", "E_": "error",
                      "target_": "target", "dE/dout_": "dE_dout"}
        for prefix, attribute in attributes.items():
            if key.startswith(prefix) and key[len(prefix):] in self._index:
                return f"on its neuron after a pass: net[{key[len(prefix):]!r}].{attribute}"
        if key.startswith("dout_"):
            return f"on its neuron after a pass: net[{key[5:].split('/')[0]!r}].dout_dnet"
        if key.startswith(("dE/d", "dnet_")) and "*" not in key:
            parameter = key.rsplit("/d", 1)[1]
            entry = self._index.get(parameter)
            attribute = "dE_dw" if key.startswith("dE/") else "dnet_dw"
            if isinstance(entry, Parameter) and entry.kind == "weight":
                return (f"on its neuron after a pass: net[{entry.holder.name!r}].{attribute}"
                        f"[{entry.index}]")
            if isinstance(entry, Parameter):
                where = (f"its neuron after a pass: net[{entry.holder.name!r}]"
                         if isinstance(entry.holder, Neuron)
                         else f"its layer after a pass: net.layers[{entry.layer}]")
                return f"on {where}.dE_db"
        return "in a step's record (net.train(inputs, targets, record=True))"

    def _build_index(self):
        """Every neuron by name, then every parameter (weights and biases) by name."""
        index = {n.name: n for n in self.neurons}
        index.update((p.name, p) for p in self.parameters())
        return index

    # -- validation of a sample ------------------------------------------------------------------

    def _vector(self, values, field, expected=None):
        """Check one inputs or targets vector; return it as a list of floats.

        ``expected`` is its length (by default from ``field``: the inputs' or the outputs').
        """
        if expected is None:
            expected = self.layer_sizes[0] if field.endswith("inputs") else self.layer_sizes[-1]
        try:
            x = list(map(float, values))
            # math.fsum rejects strings (float() would parse them) and sees any inf or NaN; a
            # set has no order, bytes iterate as byte values and a dict as its keys (a list,
            # the usual case, skips that test).
            ok = (len(x) == expected and isfinite(fsum(values))
                  and (type(values) is list or not isinstance(values, NOT_A_LIST)))
        except (TypeError, ValueError, OverflowError):
            ok = False
        if not ok:
            explain_vector(values, expected, field,
                            self.input_names if field.endswith("inputs")
                            else [n.name for n in self.output_layer.neurons])
        return x

    # -- display ---------------------------------------------------------------------------------

    def summary(self):
        """A table of every neuron: weights, bias, and the partials of the last pass, by name."""
        from .render.text import summary
        return summary(self)

    __str__ = summary

    def __repr__(self):
        acts = [layer.activation.name for layer in self.layers]
        act = f"activation={acts[0]!r}"
        if any(a != acts[0] for a in acts[1:-1]) or (len(acts) > 1 and acts[-1] != acts[0]):
            act = f"activation={acts!r}"
        return (f"NeuralNetwork({self.layer_sizes!r}, {act}, loss={self.loss.name!r}, "
                f"learning_rate={self.learning_rate!r}, bias={self.bias_mode!r}"
                + (", thresholds=True)" if self.thresholds else ")"))


def _recorded(record, *args):
    """The StepRecord of a step's events, run to the end with the cyclic garbage collector paused.

    A recorded step allocates thousands of small records (about 7,700 for a 64-32-10 network)
    and no reference cycles, so the collector's passes over them free nothing; pausing it
    (restored even on an error) is what ``python -m benchmarks --no-gc`` showed it worth.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return record(*args)
    finally:
        if enabled:
            gc.enable()


def check_network(value, field="net"):
    """``value`` if it is a NeuralNetwork; else ConfigurationError (a path: load it first)."""
    try:
        return check_type(field, value, NeuralNetwork, "a NeuralNetwork")
    except ConfigurationError as error:
        if isinstance(value, str):
            raise ConfigurationError(f"{error}\nto use a saved network: "
                                     "NeuralNetwork.load(path)") from None
        raise
