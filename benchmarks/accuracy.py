"""How close neurosim's partials are to the exact ones: a measurement, not a test.

On 500 seeded random networks (1 to 4 neurons a layer, 2 to 4 layers, sigmoid, tanh, softplus
or identity, half or plain squared error) it compares every partial of one backward pass with
the 50-digit Decimal oracle (``gradcheck(..., precise=True)``), and, when PyTorch is installed,
one step with autograd and ``torch.optim.SGD`` (``compare_with_torch``)::

    python -m benchmarks.accuracy            # about ten seconds
"""

import random
import statistics

from neurosim import NeuralNetwork, gradcheck


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


def main():
    relative, torch_worst = measure()
    print(f"{len(relative)} partials of 500 networks against the 50-digit Decimal oracle: "
          f"relative error median {statistics.median(relative):.2g}, "
          f"max {max(relative):.2g}")
    if torch_worst is None:
        print("PyTorch is not installed: pip install torch, for the comparison with autograd")
    else:
        print(f"largest |neurosim - torch| over the gradients and the new values: "
              f"{torch_worst:.2g}")


if __name__ == "__main__":
    main()
