"""The cross-check of neurosim against PyTorch: one sample through both engines, parameter by
parameter (:func:`compare`, which :func:`neurosim.interop.torch.compare_with_torch` calls with
its converter and the torch module: this module imports nothing of ``torch.py``).

For each weight and bias: neurosim's dE/dw against autograd's, and the value after one step of
``net.train`` against ``torch.optim.SGD`` (with the same momentum and weight decay). Then for
each input (a tensor with ``requires_grad``): ``net.dE_dinputs`` against autograd's gradient on
it; an input is not stepped, so its value "after the step" is the input in both.
"""

import copy

from .. import propagation
from ..errors import ConfigurationError, GradientCheckError
from ..numbers import num

__all__ = ["compare", "TorchComparison", "TorchRow"]


class TorchRow:
    """One parameter in both engines: gradients and values after one step."""

    __slots__ = ("name", "neurosim_gradient", "torch_gradient", "neurosim_new", "torch_new")

    def __init__(self, name, neurosim_gradient, torch_gradient, neurosim_new, torch_new):
        self.name = name
        self.neurosim_gradient = neurosim_gradient
        self.torch_gradient = torch_gradient
        self.neurosim_new = neurosim_new
        self.torch_new = torch_new

    @property
    def gradient_difference(self):
        return abs(self.neurosim_gradient - self.torch_gradient)

    @property
    def step_difference(self):
        return abs(self.neurosim_new - self.torch_new)

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
        import difflib
        from ..errors import UnknownNameError
        close = difflib.get_close_matches(str(name), [r.name for r in self.rows], n=3)
        raise UnknownNameError(f"no parameter is named {name!r}"
                               + (f"; did you mean {', '.join(close)}?" if close else ""))

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    @property
    def max_gradient_difference(self):
        return max((r.gradient_difference for r in self.rows), default=0.0)

    @property
    def max_step_difference(self):
        return max((r.step_difference for r in self.rows), default=0.0)

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
        if not bad and not E_bad:
            return
        lines = [f"neurosim and torch disagree on {len(bad)} of {len(self.rows)} parameters"
                 f"{' and on E_total' if E_bad else ''} (rtol={num(rtol, 6)}, atol={num(atol, 6)})"]
        lines += _table(bad)
        if self.note:
            lines.append(self.note)
        raise GradientCheckError("\n".join(lines))

    def __str__(self):
        head = (f"neurosim vs torch: E_total {num(self.neurosim_E, 12)} vs "
                f"{num(self.torch_E, 12)}; largest difference: gradient "
                f"{_e(self.max_gradient_difference)}, after one SGD step "
                f"{_e(self.max_step_difference)}")
        return "\n".join([head] + _table(self.rows) + ([self.note] if self.note else []))


def _e(difference):
    return num(difference, 2, exponent=True)


def _table(rows):
    table = [["name", "dE/dp neurosim", "dE/dp torch", "difference", "p+ neurosim", "p+ torch",
              "difference"]]
    for r in rows:
        table.append([r.name, num(r.neurosim_gradient, 12), num(r.torch_gradient, 12),
                      _e(r.gradient_difference), num(r.neurosim_new, 12), num(r.torch_new, 12),
                      _e(r.step_difference)])
    widths = [max(len(row[c]) for row in table) for c in range(len(table[0]))]
    return ["  ".join(cell.ljust(w) if c == 0 else cell.rjust(w)
                      for c, (cell, w) in enumerate(zip(row, widths))).rstrip() for row in table]


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
    gradients = _gradients_by_name(probe)
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
    trained = [p for p in _unique(p for name, p, _ in entries)
               if net.train_biases or p.ndim == 2]  # weights are the only 2-d parameters
    lr, mu = net.learning_rate, net.momentum
    optimizer = torch.optim.SGD(trained, lr=lr, momentum=mu, dampening=0.0) if trained else None
    if mu:
        _set_momentum_buffers(net, module, optimizer, lr, torch)
    if optimizer is not None:
        optimizer.step()
    rows = []
    for name, p, index in entries:
        rows.append(TorchRow(name, gradients[name], torch_gradients[name], stepped[name],
                             float(p.detach()[index])))
    for name, ours, theirs, value in zip(net.input_names, probe.dE_dinputs,
                                         inputs.grad.tolist(), x):
        rows.append(TorchRow(name, ours, theirs, value, value))
    note = ("" if net.hidden_deltas == "original_weights" else
            "the hidden layers' new values differ on purpose: hidden_deltas='updated_weights' "
            "takes the hidden deltas from already updated weights, which is not "
            "backpropagation (torch's step is)")
    return TorchComparison(rows, neurosim_E, float(E.detach()), note)


def _gradients_by_name(net):
    grads = {}
    for layer in net.layers:
        for n in layer.neurons:
            grads.update(zip(n.weight_names, n.dE_dw))
            if layer.bias_mode == "per_neuron":
                grads[n.bias_name] = n.dE_db
        if layer.bias_mode == "shared":
            grads[layer.bias_name] = layer.dE_db
    return grads


def _unique(params):
    seen, out = set(), []
    for p in params:
        if id(p) not in seen:
            seen.add(id(p))
            out.append(p)
    return out


def _set_momentum_buffers(net, module, optimizer, lr, torch):
    """torch's SGD keeps buf (w -= lr * buf); neurosim keeps v = -lr * buf (w += v)."""
    velocities = [v for n in net.neurons for v in n.velocity]
    velocities += [n.bias_velocity for n in net.neurons]
    velocities += [layer.bias_velocity for layer in net.layers]
    if not any(velocities):
        return  # torch's first step (buf = g) is neurosim's first step (v = -lr g)
    if lr == 0:
        raise ConfigurationError("compare_with_torch cannot express non-zero velocities with "
                                 "learning_rate 0 in torch's SGD (buf = -v / lr)")
    for k, (layer, linear) in enumerate(zip(net.layers, module.linears)):
        buffers = {id(linear.weight): [[-v / lr for v in n.velocity] for n in layer.neurons]}
        if linear.bias is not None:
            buffers[id(linear.bias)] = [-n.bias_velocity / lr for n in layer.neurons]
        if module.shared_biases is not None:
            buffers[id(module.shared_biases[k])] = -layer.bias_velocity / lr
        for group in optimizer.param_groups:
            for p in group["params"]:
                if id(p) in buffers:
                    optimizer.state[p]["momentum_buffer"] = torch.tensor(
                        buffers[id(p)], dtype=torch.float64)
