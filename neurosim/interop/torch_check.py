"""The cross-check of neurosim against PyTorch: one sample through both engines, parameter by
parameter (:func:`compare`, which :func:`neurosim.interop.torch.compare_with_torch` calls with
its converter and the torch module: this module imports nothing of ``torch.py``).

For each weight and bias: neurosim's dE/dw against autograd's, and the value after one step of
``net.train`` against ``torch.optim.SGD`` (with the same momentum and weight decay). Then for
each input (a tensor with ``requires_grad``): ``net.dE_dinputs`` against autograd's gradient on
it; an input is not stepped, so its value "after the step" is the input in both.
"""

import copy
import difflib
from dataclasses import dataclass

from .. import propagation
from ..errors import ConfigurationError, GradientCheckError, UnknownNameError
from ..gradient_check import partials
from ..gradient_report import align
from ..numbers import num

__all__ = ["compare", "TorchComparison", "TorchRow"]


@dataclass(frozen=True)
class TorchRow:
    """One parameter in both engines: gradients and values after one step."""

    name: str
    neurosim_gradient: float
    torch_gradient: float
    neurosim_new: float
    torch_new: float

    gradient_difference = property(lambda self: abs(self.neurosim_gradient - self.torch_gradient))
    step_difference = property(lambda self: abs(self.neurosim_new - self.torch_new))

    def __repr__(self):
        return (f"TorchRow({self.name!r}, gradient {self.neurosim_gradient!r} vs "
                f"{self.torch_gradient!r}, after the step {self.neurosim_new!r} vs "
                f"{self.torch_new!r})")


class TorchComparison:
    """The report of :func:`compare_with_torch`: one :class:`TorchRow` per parameter."""

    def __init__(self, rows, neurosim_E, torch_E, note=""):
        self.rows = list(rows)
        self.neurosim_E, self.torch_E = neurosim_E, torch_E
        self.note = note  # why the engines differ on purpose, when they do

    def __getitem__(self, name):
        for row in self.rows:
            if row.name == name:
                return row
        close = difflib.get_close_matches(str(name), [r.name for r in self.rows], n=3)
        raise UnknownNameError(f"no parameter is named {name!r}"
                               + (f"; did you mean {', '.join(close)}?" if close else ""))

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    max_gradient_difference = property(
        lambda self: max((r.gradient_difference for r in self.rows), default=0.0))
    max_step_difference = property(
        lambda self: max((r.step_difference for r in self.rows), default=0.0))

    @property
    def max_difference(self):
        """The largest difference of E_total, a gradient, or a parameter after the step."""
        return max(abs(self.neurosim_E - self.torch_E), self.max_gradient_difference,
                   self.max_step_difference)

    def mismatches(self, *, rtol=1e-12, atol=1e-12):
        """The rows whose gradient or new value differ by more than ``atol + rtol * |torch|``."""
        return [r for r in self.rows
                if r.gradient_difference > atol + rtol * abs(r.torch_gradient)
                or r.step_difference > atol + rtol * abs(r.torch_new)]

    def assert_ok(self, *, rtol=1e-12, atol=1e-12):
        """Raise GradientCheckError listing the parameters where the engines disagree."""
        bad = self.mismatches(rtol=rtol, atol=atol)
        E_bad = abs(self.neurosim_E - self.torch_E) > atol + rtol * abs(self.torch_E)
        if bad or E_bad:
            raise GradientCheckError(self._text(
                f"neurosim and torch disagree on {len(bad)} of {len(self.rows)} parameters"
                f"{' and on E_total' if E_bad else ''} (rtol={num(rtol, 6)}, "
                f"atol={num(atol, 6)})", bad))

    def __str__(self):
        return self._text(f"neurosim vs torch: E_total {num(self.neurosim_E, 12)} vs "
                          f"{num(self.torch_E, 12)}; largest difference: gradient "
                          f"{_e(self.max_gradient_difference)}, after one SGD step "
                          f"{_e(self.max_step_difference)}", self.rows)

    def _text(self, head, rows):
        """``head``, the table of ``rows`` and the note, as lines."""
        table = [["name", "dE/dp neurosim", "dE/dp torch", "difference", "p+ neurosim",
                  "p+ torch", "difference"]]
        table += [[r.name, num(r.neurosim_gradient, 12), num(r.torch_gradient, 12),
                   _e(r.gradient_difference), num(r.neurosim_new, 12), num(r.torch_new, 12),
                   _e(r.step_difference)] for r in rows]
        return "\n".join([head] + align(table) + ([self.note] if self.note else []))


def _e(difference):
    return num(difference, 2, exponent=True)


def compare(net, inputs, targets, to_torch, torch):
    """Gradients and one SGD step on one sample, in neurosim and in PyTorch, per parameter
    (``to_torch``: :func:`neurosim.interop.torch.to_torch`; ``torch``: the torch module).

    neurosim's side: the backward pass of :func:`neurosim.propagation.gradients` for the
    gradients (``dE_dw`` with ``weight_decay``'s ``lambda * w``), and ``net.train`` on a copy
    for the step. PyTorch's side: autograd of ``E_total + lambda/2 * sum w^2`` (biases
    excluded) through :func:`to_torch`'s module, and one ``torch.optim.SGD`` step with the same
    learning rate and momentum (its momentum buffer set from the neurons' velocities, since
    torch keeps ``buf`` with ``w -= lr * buf`` where neurosim keeps ``v = -lr * buf``);
    frozen biases are left out of the optimizer. ``net`` itself is not changed.

    With ``hidden_deltas="updated_weights"`` the step rows of the hidden layers differ on
    purpose: that rule is not backpropagation.
    """
    x = net._vector(inputs, "inputs")
    t = net._vector(targets, "targets")
    # neurosim: gradients from one backward pass, the step from train(), both on copies.
    probe = copy.deepcopy(net)
    neurosim_E = propagation.gradients(probe, x, t)
    gradients = {p.name[len("dE/d"):]: p.analytic for p in partials(probe)}
    stepped = copy.deepcopy(net)
    stepped.train(x, t)
    # torch
    module = to_torch(net)
    entries = module.named_neurosim_parameters()
    inputs = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    output = module(inputs)
    E = module.loss(output, torch.tensor(t, dtype=torch.float64))
    objective = E
    if net.weight_decay:
        objective = E + 0.5 * net.weight_decay * sum((linear.weight ** 2).sum()
                                                     for linear in module.linears)
    objective.backward()
    torch_gradients = {name: float(p.grad[index]) for name, p, index in entries}
    # each tensor once; the weights are the only 2-d parameters (frozen biases left out)
    trained = list({id(p): p for _, p, _ in entries
                    if net.train_biases or p.ndim == 2}.values())
    if trained:
        optimizer = torch.optim.SGD(trained, lr=net.learning_rate, momentum=net.momentum,
                                    dampening=0.0)
        if net.momentum:
            _set_momentum_buffers(net, entries, optimizer, torch)
        optimizer.step()
    rows = [TorchRow(name, gradients[name], torch_gradients[name], stepped[name],
                     float(p.detach()[index])) for name, p, index in entries]
    rows += [TorchRow(name, ours, theirs, value, value) for name, ours, theirs, value
             in zip(net.input_names, probe.dE_dinputs, inputs.grad.tolist(), x)]
    note = ("" if net.hidden_deltas == "original_weights" else
            "the hidden layers' new values differ on purpose: hidden_deltas='updated_weights' "
            "takes the hidden deltas from already updated weights, which is not "
            "backpropagation (torch's step is)")
    return TorchComparison(rows, neurosim_E, float(E.detach()), note)


def _set_momentum_buffers(net, entries, optimizer, torch):
    """torch's SGD keeps buf (w -= lr * buf); neurosim keeps v = -lr * buf (w += v)."""
    velocity = {layer.bias_name: layer.bias_velocity for layer in net.layers}
    for n in net.neurons:
        velocity.update(zip(n.weight_names, n.velocity))
        velocity.setdefault(n.bias_name, n.bias_velocity)
    if not any(velocity[name] for name, _, _ in entries):
        return  # torch's first step (buf = g) is neurosim's first step (v = -lr g)
    if net.learning_rate == 0:
        raise ConfigurationError("compare_with_torch cannot express non-zero velocities with "
                                 "learning_rate 0 in torch's SGD (buf = -v / lr)")
    trained = {id(p) for group in optimizer.param_groups for p in group["params"]}
    for name, p, index in entries:
        if id(p) in trained:
            state = optimizer.state[p]
            state.setdefault("momentum_buffer", torch.zeros_like(p, requires_grad=False))
            state["momentum_buffer"][index] = -velocity[name] / net.learning_rate
