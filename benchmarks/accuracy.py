"""How close neurosim's partials are to the exact ones, and whether gradcheck can be trusted.

Two measurements, not tests (the tests that hold the same promises run in a few seconds:
``tests/property/test_gradcheck_trust.py``)::

    python -m benchmarks.accuracy            # both, a minute or two
    python -m benchmarks.accuracy partials   # the first only, about half a minute
    python -m benchmarks.accuracy trust      # the second only

**partials** (:func:`measure`). On 500 seeded random networks (1 to 4 neurons a layer, 2 to 4
layers, sigmoid, tanh, softplus or identity, half or plain squared error) every partial of one
backward pass against the 50-digit Decimal oracle (``gradcheck(..., precise=True)``), and, when
PyTorch is installed, one step against autograd and ``torch.optim.SGD``
(``compare_with_torch``).

**trust** (:func:`trust`). ``gradcheck`` must not fail correct code, at any scale, and must
fail wrong code wherever differences can tell. The networks are those of the trust issue: 2 to
5 layers (counting the inputs) of 1 to 6 neurons, each layer's activation drawn from sigmoid,
tanh, identity and softplus, one of the three squared losses, every weight and bias uniform in
+-s with s uniform in [0.5, 8]; inputs in +-1 and targets in [0, 1] ("unit"), or both scaled by
10^U(-1, 3) ("large"), 300 of each. Then, on the same networks:

* ``0.1 %``: one partial, among those whose error estimate is below 1e-4 of it, multiplied by
  1.001 after the backward pass: it must FAIL;
* ``flipped dE/dout``: the loss's derivative with its sign flipped (a custom loss object):
  the check must FAIL;
* ``flipped at 3e-9``: half squared error, targets 3e-9 from the outputs, sign flipped: FAIL;
* ``cross-entropy``: sigmoid outputs and binary cross-entropy (every output layer's net
  scaled to reach saturation), correct, then with ``delta = out - t`` flipped.
"""

import dataclasses
import random
import statistics
import sys
import time
from collections import Counter

from neurosim import NeuralNetwork, gradcheck, propagation

ACTIVATIONS = ["sigmoid", "tanh", "identity", "softplus"]
SQUARED = ["half_squared_error", "squared_error", "mean_squared_error"]


def measure(n=500, seed=0):
    """(relative errors against the Decimal oracle, largest difference from torch or None)."""
    try:
        from neurosim.interop.torch import compare_with_torch
        import torch  # noqa: F401
    except ImportError:
        compare_with_torch = None
    rng = random.Random(seed)
    relative, torch_worst = [], None
    for k in range(n):
        sizes = [rng.randint(1, 4) for _ in range(rng.randint(2, 4))]
        net = NeuralNetwork(sizes, activation=rng.choice(["sigmoid", "tanh", "softplus",
                                                          "identity"]),
                            loss=rng.choice(["half_squared_error", "squared_error"]), seed=k)
        x = [rng.uniform(-1, 1) for _ in range(sizes[0])]
        t = [rng.uniform(0, 1) for _ in range(sizes[-1])]
        for row in gradcheck(net, x, t, precise=True).rows:
            if row.exact and abs(row.exact) > 1e-12:
                relative.append(abs(row.analytic - row.exact) / abs(row.exact))
        if compare_with_torch is not None:
            d = compare_with_torch(net, x, t).max_difference
            torch_worst = d if torch_worst is None else max(torch_worst, d)
    return relative, torch_worst


# -- trust ------------------------------------------------------------------------------------------

def random_network(rng, *, scale="unit", losses=SQUARED, output=None):
    """(net, inputs, targets) as the trust issue draws them (module docstring)."""
    sizes = [rng.randint(1, 6) for _ in range(rng.randint(2, 5))]
    s = rng.uniform(0.5, 8.0)
    weights = [[[rng.uniform(-s, s) for _ in range(fan_in)] for _ in range(size)]
               for fan_in, size in zip(sizes, sizes[1:])]
    biases = [[rng.uniform(-s, s) for _ in range(size)] for size in sizes[1:]]
    activations = [rng.choice(ACTIVATIONS) for _ in sizes[1:]]
    if output:
        activations[-1] = output
    net = NeuralNetwork.from_weights(weights, biases, activation=activations,
                                     loss=rng.choice(losses))
    x_scale = t_scale = 1.0
    if scale == "large":
        x_scale, t_scale = 10 ** rng.uniform(-1, 3), 10 ** rng.uniform(-1, 3)
    x = [rng.uniform(-x_scale, x_scale) for _ in range(sizes[0])]
    low = 0.0 if net.loss.name == "binary_cross_entropy" else -t_scale
    t = [rng.uniform(low, 1.0 if low == 0.0 else t_scale) for _ in range(sizes[-1])]
    return net, x, t


def corrupted(net, name, factor):
    """A context in which the backward pass leaves row ``name`` multiplied by ``factor``."""
    real = propagation.gradients

    def gradients(net_, x, targets):
        E = real(net_, x, targets)
        holder, attribute, index = _where(net_, name)
        if index is None:
            setattr(holder, attribute, getattr(holder, attribute) * factor)
        else:
            getattr(holder, attribute)[index] *= factor
        return E

    class Patch:
        def __enter__(self):
            propagation.gradients = gradients

        def __exit__(self, *exc):
            propagation.gradients = real
    return Patch()


def _where(net, name):
    """(object, attribute, index or None) holding the analytic value of row ``name``."""
    if name.startswith("dE/d") and name[4:] in net.input_names:     # dE/di1
        return net, "dE_dinputs", list(net.input_names).index(name[4:])
    if name.startswith("dE/dw"):
        n = next(n for n in net.neurons if name[4:] in n.weight_names)
        return n, "dE_dw", n.weight_names.index(name[4:])
    if name.startswith("dE/db"):
        layer = next((layer for layer in net.layers if layer.bias_name == name[4:]), None)
        if layer is not None:
            return layer, "dE_db", None
        return next(n for n in net.neurons if n.bias_name == name[4:]), "dE_db", None
    quantity, neuron = name.rsplit("_", 1)
    return net[neuron], {"dE/dout": "dE_dout", "dout/dnet": "dout_dnet",
                         "delta": "delta"}[quantity], None


def flipped(loss, attribute="dE_dout"):
    """The loss with one of its derivative functions' sign flipped."""
    original = getattr(loss, attribute)
    if attribute == "dE_dout_net":
        return dataclasses.replace(loss, **{attribute: lambda t, o, z, n: -original(t, o, z, n)})
    return dataclasses.replace(loss, **{attribute: lambda t, o, n: -original(t, o, n)})


def trust(n=300, seed=0, out=print):
    """Run the measurements of the module docstring; return {name: (failed, out of)}."""
    results = {}
    rng = random.Random(seed)
    for scale in ("unit", "large"):
        samples = [random_network(rng, scale=scale) for _ in range(n)]
        statuses, failed = Counter(), 0
        start = time.perf_counter()
        reports = []
        for net, x, t in samples:
            report = gradcheck(net, x, t)
            reports.append(report)
            statuses.update(r.status for r in report)
            failed += not report.ok
        seconds = time.perf_counter() - start
        results[f"correct, {scale}"] = (failed, n)
        out(f"{n} correct networks ({scale} inputs and targets): {failed} with a FAIL; rows "
            + ", ".join(f"{statuses[s]} {s}" for s in ("ok", "kink", "unresolved", "FAIL"))
            + f" ({seconds:.1f} s)")

        caught = tried = 0
        for (net, x, t), report in zip(samples, reports):
            sharp = [r.name for r in report if r.status == "ok" and r.analytic
                     and r.estimate < 1e-4 * abs(r.analytic)]
            if not sharp:
                continue
            name = rng.choice(sharp)
            with corrupted(net, name, 1.001):
                mutant = gradcheck(net, x, t)
            tried += 1
            caught += name in [r.name for r in mutant.failures]
        results[f"0.1 %, {scale}"] = (caught, tried)
        out(f"  one partial x 1.001 (among rows resolved to 1e-4): {caught} of {tried} FAIL")

        caught = 0
        for net, x, t in samples:
            right = net.loss
            net.loss = flipped(right)
            caught += not gradcheck(net, x, t).ok
            net.loss = right
        results[f"flipped dE/dout, {scale}"] = (caught, n)
        out(f"  the loss's dE/dout with its sign flipped: {caught} of {n} FAIL")

        caught = 0
        for net, x, t in samples:
            right = net.loss
            outputs = net.feed_forward(x)
            close = [o + rng.choice([3e-9, -3e-9]) for o in outputs]
            net.loss = flipped(NeuralNetwork([1, 1], loss="half_squared_error").loss)
            caught += not gradcheck(net, x, close).ok
            net.loss = right
        results[f"flipped at 3e-9, {scale}"] = (caught, n)
        out(f"  half squared error flipped, targets 3e-9 from the outputs: {caught} of {n} "
            f"FAIL")

    samples = [random_network(rng, scale="large", losses=["binary_cross_entropy"],
                              output="sigmoid") for _ in range(n)]
    failed = caught = 0
    for net, x, t in samples:
        failed += not gradcheck(net, x, t).ok
        right = net.loss
        net.loss = flipped(right, "delta")
        caught += not gradcheck(net, x, t).ok
        net.loss = right
    results["cross-entropy, correct"] = (failed, n)
    results["cross-entropy, flipped delta"] = (caught, n)
    out(f"{n} correct networks with sigmoid outputs and binary cross-entropy (large inputs, "
        f"saturated outputs among them): {failed} with a FAIL; delta = out - t with its sign "
        f"flipped: {caught} of {n} FAIL")
    return results


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    what = argv[0] if argv else "both"
    if what in ("partials", "both"):
        relative, torch_worst = measure()
        print(f"{len(relative)} partials of 500 networks against the 50-digit Decimal oracle: "
              f"relative error median {statistics.median(relative):.2g}, "
              f"max {max(relative):.2g}")
        if torch_worst is None:
            print("PyTorch is not installed: pip install torch, for the comparison with autograd")
        else:
            print(f"largest |neurosim - torch| over the gradients and the new values: "
                  f"{torch_worst:.2g}")
    if what in ("trust", "both"):
        trust()


if __name__ == "__main__":
    main()
