"""The Neuron: its incoming weights, its bias, and everything the last pass computed.

Notation (one quantity, three spellings)::

    blog (Mazur 2015)     Nielsen (2015)    neurosim attribute
    -----------------     --------------    ------------------
    net_h1                z                 neuron.net
    out_h1                a                 neuron.out
    dE_total/dout_h1      dC/da             neuron.dE_dout
    dout_h1/dnet_h1       sigma'(z)         neuron.dout_dnet
    delta_h1 = dE/dnet    delta             neuron.delta
    dnet_h1/dw1           a (of the sender) neuron.dnet_dw[i]
    dE_total/dw1          dC/dw             neuron.dE_dw[i]
    dE_total/db           dC/db             neuron.dE_db

``weights[i]`` is the weight of the connection from neuron ``i`` of the layer below (or input
``i``), so ``net = sum_i weights[i] * inputs[i] + bias``. A neuron is plain data: the network
computes and writes these attributes, one pass at a time, and leaves them for you to read.
Before any pass the computed attributes are ``None``.
"""

__all__ = ["Neuron"]


class Neuron:
    """One neuron: ``weights`` (list of floats), ``bias`` (float) and a ``name``.

    After a forward pass: ``inputs`` (the values it received, a list shared with its layer),
    ``net`` and ``out``. After a backward pass: ``dE_dout``, ``dout_dnet``, ``delta``,
    ``dnet_dw`` (the same list as ``inputs``: dnet/dw_i = x_i), ``dE_dw`` and ``dE_db``.
    Output neurons also keep their ``target`` and their own term of the total ``error``.
    With momentum, ``velocity`` (per weight) and ``bias_velocity`` hold the last steps.

    >>> n = Neuron("h1", [0.15, 0.2], 0.35)
    >>> n
    Neuron('h1', weights=[0.15, 0.2], bias=0.35)
    """

    def __init__(self, name, weights, bias=0.0, *, weight_names=None, bias_name=None):
        self.name = name
        self.weights = list(weights)
        self.bias = bias
        #: Names of the incoming weights ("w1", "w2", ...), one per weight.
        self.weight_names = list(weight_names or ())
        #: Name of the bias this neuron uses ("b1" shared, "b_h1" per neuron, None without).
        self.bias_name = bias_name
        self.inputs = self.net = self.out = None
        self.dE_dout = self.dout_dnet = self.delta = None
        self.dnet_dw = self.dE_dw = self.dE_db = None
        self.target = self.error = None
        self.velocity = [0.0] * len(self.weights)
        self.bias_velocity = 0.0

    def _repr_html_(self):
        """Jupyter's view: the neuron's row of the network's table."""
        from .render.notebook import neuron_html
        return neuron_html(self)

    def __repr__(self):
        text = f"Neuron({self.name!r}, weights={self.weights!r}, bias={self.bias!r}"
        if self.out is not None:
            text += f", out={self.out!r}"
        if self.delta is not None:
            text += f", delta={self.delta!r}"
        return text + ")"
