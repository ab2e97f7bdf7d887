"""PyTorch, the engine to move to when a network outgrows neurosim: convert, and cross-check.

* :func:`to_torch` turns a network into a float64 ``torch.nn.Module`` with the same weights,
  biases, activations and loss;
* :func:`from_torch` builds the neurosim network back, from that module or from a plain
  ``torch.nn.Sequential`` of ``Linear`` layers and activations;
* :func:`compare_with_torch` runs one sample through both engines and reports, parameter by
  parameter, the differences of the gradients (neurosim's backward pass against autograd) and
  of one SGD step (``net.train`` against ``torch.optim.SGD``); it lives in
  :mod:`neurosim.interop.torch_check`.

The functions are exact translations, not approximations: the activations are the same
formulas (leaky ReLU's slope is ``neurosim.activations.LEAKY_SLOPE``; softplus is
``log(1 + e^net)`` computed without overflow), and so are the losses, summed over the outputs
as neurosim's E_total is. Binary cross-entropy clips ``out`` to ``[CLIP, 1 - CLIP]`` in both
(``neurosim.losses.CLIP``); away from 0 and 1 the two agree, inside the clipped margin torch's
gradient is 0 where neurosim keeps the derivative at the clip point.

PyTorch is imported when a function is first called; without it they raise an ImportError
that says ``pip install torch`` (or, in a checkout, ``pip install -e '.[torch]'``).

>>> import pytest; torch = pytest.importorskip("torch")   # the example needs PyTorch
>>> from neurosim.worked_examples import mazur, MAZUR_INPUTS, MAZUR_TARGETS
>>> module = to_torch(mazur())
>>> module
NeurosimModule([2, 2, 2], activations=('sigmoid', 'sigmoid'), loss='half_squared_error', bias='shared')
>>> [round(o, 9) for o in module(torch.tensor(MAZUR_INPUTS, dtype=torch.float64)).tolist()]
[0.75136507, 0.772928465]
>>> comparison = compare_with_torch(mazur(), MAZUR_INPUTS, MAZUR_TARGETS)
>>> row = comparison["w5"]                # Mazur: dE/dw5 = 0.082167041, w5+ = 0.35891648
>>> round(row.torch_gradient, 9), round(row.torch_new, 8), comparison.max_difference < 1e-15
(0.082167041, 0.35891648, True)
"""

import functools

from ..activations import LEAKY_SLOPE
from ..errors import ConfigurationError, ShapeError
from ..losses import CLIP
from ..network import NeuralNetwork
from .torch_check import TorchComparison, compare

__all__ = ["to_torch", "from_torch", "compare_with_torch", "TorchComparison"]

_INSTALL = "pip install torch  (or, in a checkout: pip install -e '.[torch]')"


def _torch():
    try:
        import torch
    except ImportError as error:
        raise ImportError(f"neurosim.interop.torch needs PyTorch, which is not installed\n"
                          f"{_INSTALL}", name="torch") from error
    return torch


# -- the same functions in torch -----------------------------------------------------------------

def _activation(name, z):
    torch = _torch()
    F = torch.nn.functional
    formulas = {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "bipolar_sigmoid": lambda z: torch.tanh(0.5 * z),  # 2 / (1 + e^-z) - 1, as neurosim
        "relu": torch.relu,  # autograd: 0 at net = 0, as neurosim's left derivative
        "leaky_relu": lambda z: F.leaky_relu(z, LEAKY_SLOPE),
        "identity": lambda z: z,
        # log(1 + e^z); past z = 40, log1p(e^-z) < 5e-18 vanishes beside z, so returning z
        # (torch's threshold) is the float value of the formula, and 1 is its derivative.
        "softplus": lambda z: F.softplus(z, beta=1.0, threshold=40.0),
        "softmax": lambda z: torch.softmax(z, -1),     # over the outputs of a sample
    }
    if name not in formulas:
        raise ConfigurationError(f"to_torch has no torch version of activation {name!r}")
    return formulas[name](z)


def _loss_terms(name, outputs, targets):
    """The per-output terms E_o (same shape as ``outputs``), as neurosim.losses defines them."""
    torch = _torch()
    n = outputs.shape[-1]

    def bce(out):
        out = torch.clamp(out, CLIP, 1.0 - CLIP)
        return -(targets * torch.log(out) + (1.0 - targets) * torch.log(1.0 - out))
    terms = {
        "half_squared_error": lambda o: 0.5 * (targets - o) ** 2,
        "squared_error": lambda o: (targets - o) ** 2,
        "mean_squared_error": lambda o: (targets - o) ** 2 / n,
        "binary_cross_entropy": bce,
        # -t log out, 0 where t = 0 (as neurosim.losses)
        "cross_entropy": lambda o: torch.where(targets == 0, torch.zeros_like(o),
                                               -targets * torch.log(o)),
    }
    if name not in terms:
        raise ConfigurationError(f"to_torch has no torch version of loss {name!r}")
    return terms[name](outputs)


@functools.lru_cache(maxsize=None)
def _module_class():
    torch = _torch()
    nn = torch.nn

    class NeurosimModule(nn.Module):
        """A neurosim network as a float64 ``torch.nn.Module``.

        ``linears[l]`` is ``nn.Linear(layer_sizes[l], layer_sizes[l + 1])``; its ``weight[j, i]``
        is neurosim's ``weights[l][j][i]`` (rows are receiving neurons in both). Per-neuron
        biases are the ``Linear`` biases; shared biases are one scalar each in
        ``shared_biases``; ``bias="none"`` has no bias parameter. ``forward(x)`` takes one
        sample ``(n_inputs,)`` or a batch ``(batch, n_inputs)``; ``loss(outputs, targets)``
        is E_total summed over the outputs and the samples.
        """

        def __init__(self, layout):
            super().__init__()
            self.neurosim_layout = layout
            sizes = layout["layer_sizes"]
            self.linears = nn.ModuleList(
                nn.Linear(a, b, bias=layout["bias"] == "per_neuron", dtype=torch.float64)
                for a, b in zip(sizes, sizes[1:]))
            self.shared_biases = nn.ParameterList(
                nn.Parameter(torch.zeros((), dtype=torch.float64)) for _ in sizes[1:]
            ) if layout["bias"] == "shared" else None
            self.activations = tuple(layout["activations"])
            self.loss_name = layout["loss"]

        def forward(self, x):
            for k, (linear, name) in enumerate(zip(self.linears, self.activations)):
                z = linear(x)
                if self.shared_biases is not None:
                    z = z + self.shared_biases[k]
                x = _activation(name, z)
            return x

        def loss(self, outputs, targets):
            return _loss_terms(self.loss_name, outputs, targets).sum()

        def named_neurosim_parameters(self):
            """(neurosim name, parameter tensor, index in it) for every weight and bias."""
            names = self.neurosim_layout["parameter_names"]
            entries = []
            for k, linear in enumerate(self.linears):
                rows, cols = linear.weight.shape
                entries += [(linear.weight, (j, i)) for j in range(rows) for i in range(cols)]
                if linear.bias is not None:
                    entries += [(linear.bias, (j,)) for j in range(rows)]
                if self.shared_biases is not None:
                    entries.append((self.shared_biases[k], ()))
            return [(name, p, index) for name, (p, index) in zip(names, entries)]

        def __repr__(self):
            layout = self.neurosim_layout
            return (f"NeurosimModule({layout['layer_sizes']!r}, activations="
                    f"{self.activations!r}, loss={self.loss_name!r}, bias={layout['bias']!r})")

    return NeurosimModule


# -- conversion ------------------------------------------------------------------------------------

def to_torch(net):
    """A float64 ``torch.nn.Module`` computing what ``net`` computes (see the module docstring).

    The module keeps neurosim's options (learning rate, weight decay, momentum, names, ...) in
    ``module.neurosim_layout``, so :func:`from_torch` restores the same network.
    """
    if not isinstance(net, NeuralNetwork):
        raise ConfigurationError(f"to_torch expects a neurosim NeuralNetwork, got {net!r}")
    if net.thresholds:
        raise ConfigurationError("to_torch takes a network with biases, got one with "
                                 "thresholds (net = sum w x - theta)\nbuild the same network "
                                 "with biases=[[-theta, ...], ...] (b = -theta) to compare it")
    torch = _torch()
    layout = {
        "layer_sizes": list(net.layer_sizes),
        "activations": [layer.activation.name for layer in net.layers],
        "loss": net.loss.name,
        "bias": net.bias_mode,
        "parameter_names": net.parameter_names(),
        "options": dict(learning_rate=net.learning_rate, weight_decay=net.weight_decay,
                        momentum=net.momentum, train_biases=net.train_biases,
                        hidden_deltas=net.hidden_deltas),
        "names": [list(net.input_names)] + [[n.name for n in layer.neurons]
                                            for layer in net.layers],
    }
    module = _module_class()(layout)
    with torch.no_grad():
        for name, p, index in module.named_neurosim_parameters():
            p[index] = net[name]
    return module


def from_torch(module, *, loss=None, **options):
    """Build a :class:`~neurosim.NeuralNetwork` from a torch module.

    Accepted structures:

    * a module made by :func:`to_torch` (its options, names and loss come back with it;
      ``loss`` and ``options`` override them);
    * a ``torch.nn.Sequential`` of ``nn.Linear`` layers, each optionally followed by one
      activation module: ``nn.Sigmoid``, ``nn.Tanh``, ``nn.ReLU``,
      ``nn.LeakyReLU(negative_slope=0.01)``, ``nn.Identity`` or ``nn.Softplus(beta=1)``
      (a ``Linear`` with no activation after it is ``identity``); either every ``Linear`` has
      a bias (``bias="per_neuron"``) or none has (``bias="none"``); or a single ``nn.Linear``.
      ``loss`` names the loss (default ``"half_squared_error"``); ``options`` are passed on
      to :class:`~neurosim.NeuralNetwork` (``learning_rate=``, ``weight_decay=``, ...).

    ``nn.Softplus`` returns ``net`` itself past its ``threshold`` (20 by default), where
    neurosim adds ``log(1 + e^-net)``, less than 2.1e-9.
    """
    nn = _torch().nn
    layout = getattr(module, "neurosim_layout", None)
    if layout is not None:
        linears = module.linears
        settings = dict(layout["options"], names=layout["names"],
                        loss=layout["loss"] if loss is None else loss,
                        activation=list(layout["activations"]), bias=layout["bias"])
    else:
        if isinstance(module, nn.Linear):
            module = nn.Sequential(module)
        if not isinstance(module, nn.Sequential):
            raise ConfigurationError(
                f"from_torch expects a module made by to_torch, an nn.Sequential of nn.Linear "
                f"layers and activations, or an nn.Linear; got {type(module).__name__}")
        linears, acts = [], []
        for position, child in enumerate(module):
            if isinstance(child, nn.Linear):
                if linears and child.in_features != linears[-1].out_features:
                    raise ShapeError(f"from_torch: layer {position} ({child}) takes "
                                     f"{child.in_features} inputs, but the layer before it "
                                     f"gives {linears[-1].out_features}")
                linears.append(child)
                acts.append(None)
            elif _activation_name(child, position) and (not linears or acts[-1] is not None):
                raise ConfigurationError(f"from_torch: {type(child).__name__} at position "
                                         f"{position} must follow an nn.Linear (one activation "
                                         "per layer)")
            else:
                acts[-1] = _activation_name(child, position)
        if not linears:
            raise ConfigurationError("from_torch: the nn.Sequential has no nn.Linear layer")
        with_bias = [linear.bias is not None for linear in linears]
        if any(with_bias) and not all(with_bias):
            raise ConfigurationError(
                "from_torch: every nn.Linear must have a bias, or none; got bias on layers "
                f"{[k for k, b in enumerate(with_bias) if b]}")
        settings = dict(activation=[a or "identity" for a in acts],
                        loss=loss or "half_squared_error",
                        bias="per_neuron" if all(with_bias) else "none")
    mode = settings["bias"]
    biases = ([linear.bias.detach().double().tolist() for linear in linears]
              if mode == "per_neuron" else [float(b.detach()) for b in module.shared_biases]
              if mode == "shared" else None)
    return NeuralNetwork.from_weights([linear.weight.detach().double().tolist()
                                       for linear in linears], biases, **{**settings, **options})


def _activation_name(child, position):
    nn = _torch().nn
    # the module type -> neurosim's name, and the setting that must match neurosim's
    known = {nn.Sigmoid: ("sigmoid", None), nn.Tanh: ("tanh", None), nn.ReLU: ("relu", None),
             nn.Identity: ("identity", None),
             nn.LeakyReLU: ("leaky_relu", ("negative_slope", (LEAKY_SLOPE,),
                                           f"neurosim's leaky_relu uses {LEAKY_SLOPE}")),
             nn.Softplus: ("softplus", ("beta", (1,), "neurosim's softplus has beta 1")),
             nn.Softmax: ("softmax", ("dim", (-1, None), "neurosim's softmax is over the "
                                                         "outputs of a sample, dim=-1"))}
    if type(child) not in known:
        raise ConfigurationError(
            f"from_torch: {type(child).__name__} at position {position} is not supported; "
            "expected nn.Linear, nn.Sigmoid, nn.Tanh, nn.ReLU, nn.LeakyReLU, nn.Identity, "
            "nn.Softplus or nn.Softmax(dim=-1)")
    name, setting = known[type(child)]
    if setting and getattr(child, setting[0]) not in setting[1]:
        raise ConfigurationError(f"from_torch: {type(child).__name__} at position {position} "
                                 f"has {setting[0]} {getattr(child, setting[0])!r}; {setting[2]}")
    return name


def compare_with_torch(net, inputs, targets):
    """Gradients and one SGD step on one sample, in neurosim and in PyTorch, per parameter: a
    :class:`TorchComparison` (the cross-check is :func:`neurosim.interop.torch_check.compare`)."""
    return compare(net, inputs, targets, to_torch, _torch())
