"""NeuronLayer: an ordered list of neurons sharing one activation and one bias mode.

Bias modes (the seeds differ here, so neurosim names the choice):

``per_neuron``  every neuron has its own bias ``b_<neuron>`` (seeds 002 and 004; the default)
``shared``      one bias ``b<k>`` per layer, as in Mazur's example and code; every neuron of the
                layer holds the same value, and its gradient is the sum of the layer's deltas:
                dE/db = sum_j delta_j
``none``        no bias: every neuron's bias is 0.0 and is never trained
"""

from collections import namedtuple

from .errors import ConfigurationError

__all__ = ["NeuronLayer", "Parameter", "BIAS_MODES"]

BIAS_MODES = ("per_neuron", "shared", "none")


class Parameter(namedtuple("Parameter", "name kind holder index neurons layer")):
    """One weight or bias and where it lives, as :class:`dis.Instruction` describes a bytecode.

    ``kind``     ``"weight"`` or ``"bias"``
    ``holder``   what holds its gradient and velocity: the :class:`~neurosim.neuron.Neuron`
                 of a weight or of a per-neuron bias, the :class:`NeuronLayer` of a shared bias
    ``index``    a weight's place in ``holder.weights`` (None for a bias)
    ``neurons``  the neurons whose net input it enters (a shared bias: every one of its layer)
    ``layer``    the index of its layer among the non-input layers, from 0

    Whatever the bias mode, ``value``, ``gradient`` (dE/dw or dE/db of the last backward pass)
    and ``velocity`` are read from the objects when asked, and :meth:`set` writes every neuron
    that holds the value: this is the one place that knows how a bias is shared.

    >>> from neurosim.worked_examples import mazur
    >>> [(p.name, p.kind, p.value) for p in mazur().layers[1].parameters(1)]
    [('w5', 'weight', 0.4), ('w6', 'weight', 0.45), ('w7', 'weight', 0.5), ('w8', 'weight', 0.55), ('b2', 'bias', 0.6)]
    """

    __slots__ = ()

    @property
    def value(self):
        return self.neurons[0].bias if self.index is None else self.holder.weights[self.index]

    def set(self, value):
        if self.index is None:
            for neuron in self.neurons:
                neuron.bias = value
        else:
            self.holder.weights[self.index] = value

    @property
    def gradient(self):
        if self.index is None:
            return self.holder.dE_db
        return None if self.holder.dE_dw is None else self.holder.dE_dw[self.index]

    @property
    def velocity(self):
        return self.holder.bias_velocity if self.index is None else self.holder.velocity[self.index]

    def set_velocity(self, value):
        if self.index is None:
            self.holder.bias_velocity = value
        else:
            self.holder.velocity[self.index] = value


class NeuronLayer:
    """The neurons of one layer, in order, with their ``activation`` and ``bias_mode``.

    ``kind`` is ``"hidden"`` or ``"output"``; ``index`` counts the non-input layers from 1.
    """

    def __init__(self, neurons, activation, bias_mode="per_neuron", *, index=1, kind="hidden",
                 bias_name=None):
        if bias_mode not in BIAS_MODES:
            raise ConfigurationError(
                f"bias must be one of {', '.join(BIAS_MODES)}, got {bias_mode!r}")
        self.neurons = list(neurons)
        self.activation = activation
        self.bias_mode = bias_mode
        self.index = index
        self.kind = kind
        #: The shared bias's name ("b1", ...) when ``bias_mode == "shared"``, else None.
        self.bias_name = bias_name
        #: dE/db of the shared bias after a backward pass (the sum of the layer's deltas).
        self.dE_db = None
        #: The shared bias's momentum velocity.
        self.bias_velocity = 0.0
        #: A softmax layer's Jacobian after a backward pass, a list of rows:
        #: ``jacobian[k][j]`` = dout_k/dnet_j = out_k (delta_kj - out_j). None for other layers.
        self.jacobian = None

    @property
    def bias(self):
        """The layer's shared bias (``bias_mode == "shared"`` only); setting it sets every neuron."""
        if self.bias_mode != "shared":
            raise ConfigurationError(
                f"layer {self.index} ({self.kind}) has no shared bias: its bias mode is "
                f"{self.bias_mode!r}\nread each neuron's .bias instead")
        return self.neurons[0].bias

    @bias.setter
    def bias(self, value):
        if self.bias_mode != "shared":
            raise ConfigurationError(
                f"layer {self.index} ({self.kind}) has no shared bias: its bias mode is "
                f"{self.bias_mode!r}\nset each neuron's .bias instead")
        for neuron in self.neurons:
            neuron.bias = value

    def parameters(self, layer=0):
        """The layer's weights (neuron by neuron), then its biases, as :class:`Parameter`
        records; ``layer`` is the layer's index among the non-input layers."""
        params = []
        for n in self.neurons:
            own = (n,)      # one tuple for all of a neuron's weights (fewer objects to collect)
            params += [Parameter(name, "weight", n, i, own, layer)
                       for i, name in enumerate(n.weight_names)]
        if self.bias_mode == "shared":
            params.append(Parameter(self.bias_name, "bias", self, None, tuple(self.neurons), layer))
        elif self.bias_mode == "per_neuron":
            params += [Parameter(n.bias_name, "bias", n, None, (n,), layer) for n in self.neurons]
        return params

    @property
    def outs(self):
        """The neurons' outputs from the last forward pass."""
        return [n.out for n in self.neurons]

    @property
    def weights(self):
        """A copy of the weight matrix, rows = receiving neurons (as W in W @ x)."""
        return [list(n.weights) for n in self.neurons]

    def __len__(self):
        return len(self.neurons)

    def __iter__(self):
        return iter(self.neurons)

    def __getitem__(self, index):
        return self.neurons[index]

    def _repr_html_(self):
        """Jupyter's view: the layer's table, one row per neuron."""
        from .render.notebook import layer_html
        return layer_html(self)

    def __repr__(self):
        names = ", ".join(n.name for n in self.neurons)
        return (f"<NeuronLayer {self.index} ({self.kind}): {names}; {self.activation.name}, "
                f"bias {self.bias_mode}>")
