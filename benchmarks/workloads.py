"""The benchmark workloads of issue 3, with initial weights every implementation shares.

All are online SGD (one update per sample), logistic sigmoid in every layer, half squared error
``E = sum_k 1/2 (t_k - o_k)^2``. Weights are ``weights[l][j][i]`` (into neuron ``j`` of layer
``l+1`` from neuron ``i`` of layer ``l``: rows are the receivers), biases one list per non-input
layer (or one number per layer for a shared bias). Random starts come from
``random.Random(seed)`` with fixed seeds, so every run and every implementation starts alike.

* W1: Mazur's 2-2-2 example (2015, the seed 001 post), its own rules: inputs 0.05, 0.10,
  targets 0.01, 0.99, w1..w8 = 0.15 .. 0.55, shared frozen biases b1 = 0.35, b2 = 0.60,
  learning rate 0.5; 10,000 steps on the one sample (the post's "10,000 updates").
* W2: XOR on 2-4-1, the four samples in order (00, 01, 10, 11), 20,000 steps (5,000 epochs).
* W3: 64-32-10 on 200 seeded samples (inputs uniform in [0, 1), one-hot targets), 1,000 steps.
* the sweep: W-W-W nets for W in 2, 8, 32, 64, 128, 8 seeded samples each.
"""

import random
from dataclasses import dataclass

__all__ = ["Workload", "W1", "W2", "W3", "sweep", "main_workloads", "SWEEP_WIDTHS"]

SWEEP_WIDTHS = (2, 8, 32, 64, 128)


@dataclass
class Workload:
    """One timed problem: a net, its start, its samples and how many online steps to take.

    ``samples`` are cycled in order: step ``k`` trains on ``samples[k % len(samples)]``.
    ``quick_steps`` is the prefix used by ``--quick``.
    """

    name: str
    title: str
    sizes: tuple
    weights: list
    biases: list
    samples: list
    steps: int
    quick_steps: int
    bias: str = "per_neuron"
    train_biases: bool = True
    learning_rate: float = 0.5
    seedstyle: bool = True
    notes: str = ""

    @property
    def connections(self):
        """Number of weights (biases not counted): sum of n_l * n_(l+1)."""
        return sum(a * b for a, b in zip(self.sizes, self.sizes[1:]))

    @property
    def parameters(self):
        return self.connections + sum(self.sizes[1:])

    def options(self):
        """The keyword options of ``from_weights`` (neurosim, seedstyle, flat alike)."""
        return {"bias": self.bias, "train_biases": self.train_biases,
                "learning_rate": self.learning_rate}

    def sequence(self, steps=None):
        """The list of ``(inputs, targets)`` for ``steps`` online steps (default: all)."""
        steps = self.steps if steps is None else steps
        n = len(self.samples)
        return [self.samples[k % n] for k in range(steps)]

    def describe(self):
        arch = "-".join(map(str, self.sizes))
        b = ("shared frozen biases" if self.bias == "shared" and not self.train_biases
             else f"{self.bias} biases{'' if self.train_biases else ' (frozen)'}")
        return (f"{self.title}: {arch}, {self.connections} connections, {len(self.samples)} "
                f"sample(s), lr {self.learning_rate}, {b}")


def _uniform_net(rng, sizes, scale=None):
    """Weights and per-neuron biases uniform in [-r, r], r = scale or 1/sqrt(fan-in)."""
    weights, biases = [], []
    for n_in, n_out in zip(sizes, sizes[1:]):
        r = scale if scale is not None else 1.0 / n_in ** 0.5
        weights.append([[rng.uniform(-r, r) for _ in range(n_in)] for _ in range(n_out)])
        biases.append([rng.uniform(-r, r) for _ in range(n_out)])
    return weights, biases


def W1():
    """Mazur's 2-2-2 network with its published start (seed 001; reference table A)."""
    return Workload(
        name="W1", title="Mazur 2-2-2", sizes=(2, 2, 2),
        weights=[[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]],
        biases=[0.35, 0.60],
        samples=[([0.05, 0.10], [0.01, 0.99])],
        steps=10_000, quick_steps=500,
        bias="shared", train_biases=False, learning_rate=0.5,
        notes="Mazur's rules: b1, b2 shared by their layer and never updated")


def W2():
    """XOR on 2-4-1, the four samples in order, weights from random.Random(2)."""
    weights, biases = _uniform_net(random.Random(2), (2, 4, 1), scale=1.0)
    samples = [([0.0, 0.0], [0.0]), ([0.0, 1.0], [1.0]),
               ([1.0, 0.0], [1.0]), ([1.0, 1.0], [0.0])]
    return Workload(name="W2", title="XOR", sizes=(2, 4, 1), weights=weights, biases=biases,
                    samples=samples, steps=20_000, quick_steps=1_000)


def W3():
    """64-32-10 on 200 samples: inputs uniform [0, 1), one-hot targets; random.Random(3)."""
    rng = random.Random(3)
    sizes = (64, 32, 10)
    weights, biases = _uniform_net(rng, sizes)
    samples = []
    for _ in range(200):
        x = [rng.random() for _ in range(sizes[0])]
        t = [0.0] * sizes[-1]
        t[rng.randrange(sizes[-1])] = 1.0
        samples.append((x, t))
    return Workload(name="W3", title="64-32-10, 200 samples", sizes=sizes, weights=weights,
                    biases=biases, samples=samples, steps=1_000, quick_steps=20)


# steps per sweep point: about the same work per timed run (~0.01-0.05 s for the flat reference)
_SWEEP_STEPS = {2: 4000, 8: 1000, 32: 100, 64: 30, 128: 10}
_SWEEP_QUICK_STEPS = {2: 200, 8: 50, 32: 5, 64: 2, 128: 1}


def sweep(width, quick_steps=None):
    """A width-width-width net, 8 samples with targets in [0.1, 0.9]; random.Random(100 + W)."""
    rng = random.Random(100 + width)
    sizes = (width, width, width)
    weights, biases = _uniform_net(rng, sizes)
    samples = [([rng.random() for _ in range(width)],
                [rng.uniform(0.1, 0.9) for _ in range(width)]) for _ in range(8)]
    steps = _SWEEP_STEPS.get(width, max(5, 200_000 // (2 * width * width + 40)))
    quick = _SWEEP_QUICK_STEPS.get(width, max(1, steps // 20))
    return Workload(name=f"S{width}", title=f"sweep {width}-{width}-{width}", sizes=sizes,
                    weights=weights, biases=biases, samples=samples, steps=steps,
                    quick_steps=quick)


def main_workloads():
    return [W1(), W2(), W3()]
