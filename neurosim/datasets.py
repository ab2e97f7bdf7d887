"""Small data sets to train the networks on, and the two tools every experiment needs.

Every data set is a list of ``(inputs, targets)`` pairs, each a list of floats: the form
``net.total_error(samples)``, ``net.train(inputs, targets)`` and ``net.fit(samples)`` take.
The functions return a :class:`Dataset`, which iterates as its pairs and also carries the
names of its columns, its classes and where it comes from.

- ``mazur()`` (2 inputs, 2 targets): the one sample of Mazur's hand calculation;
- ``and_gate()``, ``or_gate()``, ``xor()`` (2, 1): truth tables; xor needs a hidden layer;
- ``encoder_8_3_8()`` (8, 8): Mitchell's identity task through a 3-neuron bottleneck;
- ``circle()``, ``xor_quadrants()``, ``gaussians()``, ``spiral()`` (2, 1): the four 2-D
  classification sets of TensorFlow Playground, seeded, of n = 2 to 100,000 points
  (:data:`MAX_SAMPLES`; more is refused before any is drawn);
- ``iris()`` (4, 3): Fisher's 150 flowers, one-hot over the three species.

``train_test_split`` shuffles with a seed; ``MinMaxScaler`` rescales the inputs to a range a
sigmoid or tanh network can use (fit it on the training part only).

>>> from neurosim.datasets import xor
>>> list(xor())
[([0.0, 0.0], [0.0]), ([0.0, 1.0], [1.0]), ([1.0, 0.0], [1.0]), ([1.0, 1.0], [0.0])]
"""

import csv
import dataclasses
import importlib.resources
import math
import random

from .validation import check_count, check_list, check_number, check_seed, is_number
from .errors import ConfigurationError, InputError, ShapeError
from .worked_examples import MAZUR_INPUTS, MAZUR_TARGETS

__all__ = ["Dataset", "mazur", "and_gate", "or_gate", "xor", "encoder_8_3_8", "circle",
           "xor_quadrants", "gaussians", "spiral", "iris", "train_test_split", "MinMaxScaler"]

PLAYGROUND = ("TensorFlow Playground, src/dataset.ts (Smilkov and Carter, 2016), "
              "https://github.com/tensorflow/playground")


@dataclasses.dataclass(frozen=True, repr=False)
class Dataset:
    """A named list of ``(inputs, targets)`` pairs; iterate over it, index it, take its len().

    ``classes`` names the classes of a classification set, in target order: for one output,
    ``classes[0]`` is target 0 (or -1) and ``classes[1]`` is target 1; for one-hot targets,
    ``classes[k]`` is the class whose output k is 1. It is empty for other sets.
    """

    name: str
    samples: list
    input_names: tuple
    target_names: tuple
    description: str = ""
    source: str = ""
    classes: tuple = ()

    def __iter__(self):
        return iter(self.samples)

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, index):
        return self.samples[index]

    @property
    def inputs(self):
        """The input lists, in sample order."""
        return [x for x, _ in self.samples]

    @property
    def targets(self):
        """The target lists, in sample order."""
        return [t for _, t in self.samples]

    def __repr__(self):
        counts = ((len(self.samples), "sample"), (len(self.input_names), "input"),
                  (len(self.target_names), "target"))
        text = ", ".join(f"{k} {word}{'' if k == 1 else 's'}" for k, word in counts)
        return f"<Dataset {self.name!r}: {text}>"


# -- argument checks: one sentence naming the field, the value and what was expected ----------

def _pairs(samples, field="samples"):
    """``samples`` as a list of (inputs list, targets list) copies; ShapeError when it is not."""
    try:
        items = list(samples)
    except TypeError:
        raise ShapeError(f"{field} must be an iterable of (inputs, targets) pairs, "
                         f"got {samples!r}") from None
    pairs = []
    for k, sample in enumerate(items):
        try:
            x, t = sample
        except (TypeError, ValueError):
            raise ShapeError(f"{field}[{k}] must be an (inputs, targets) pair of lists, "
                             f"got {sample!r}") from None
        pairs.append((check_list(f"{field}[{k}] inputs", x),
                      check_list(f"{field}[{k}] targets", t)))
    return pairs


def _like(samples, pairs):
    """``pairs`` in the form ``samples`` came in: a Dataset (the same names) or a list."""
    return dataclasses.replace(samples, samples=pairs) if isinstance(samples, Dataset) else pairs


def _finite_inputs(x, field):
    """``x`` as floats; InputError naming ``field`` and the entry when one is not a finite
    real number (a Fraction is one; a Decimal, a NaN or 10**400 is not)."""
    return [check_number(f"{field}[{i}]", v) for i, v in enumerate(x)]


#: The targets of the two classes of a 2-D set: (negative, positive).
_LABELS = {"binary": (0.0, 1.0), "signed": (-1.0, 1.0)}


# -- tiny hand-made sets ------------------------------------------------------------------------

def mazur():
    """The single sample of Mazur (2015), "A Step by Step Backpropagation Example".

    Inputs i1 = 0.05, i2 = 0.10; targets o1 = 0.01, o2 = 0.99 (seed 001 repeats it).

    >>> list(mazur())
    [([0.05, 0.1], [0.01, 0.99])]
    """
    return Dataset("mazur", [(list(MAZUR_INPUTS), list(MAZUR_TARGETS))], ("i1", "i2"),
                   ("o1", "o2"), "one sample: the first forward and backward pass by hand",
                   "Mazur (2015), A Step by Step Backpropagation Example")


def _gate(name, rule, text):
    pairs = [([float(a), float(b)], [float(rule(a, b))]) for a in (0, 1) for b in (0, 1)]
    return Dataset(name, pairs, ("x1", "x2"), ("y",), text, "truth table", ("0", "1"))


def and_gate():
    """Logical AND: y = 1 only for (1, 1). Linearly separable: one neuron learns it.

    >>> [t[0] for _, t in and_gate()]
    [0.0, 0.0, 0.0, 1.0]
    """
    return _gate("and", lambda a, b: a and b, "logical AND; linearly separable")


def or_gate():
    """Logical OR: y = 0 only for (0, 0). Linearly separable: one neuron learns it.

    >>> [t[0] for _, t in or_gate()]
    [0.0, 1.0, 1.0, 1.0]
    """
    return _gate("or", lambda a, b: a or b, "logical OR; linearly separable")


def xor():
    """Exclusive or: y = 1 when exactly one input is 1.

    No single line separates the two classes, so a network without a hidden layer cannot
    learn it (Minsky and Papert, Perceptrons, 1969); a 2-2-1 network can. It is the second
    example of seed 001, which trains a 2-5-1 network on it with ``random.choice``.

    >>> [t[0] for _, t in xor()]
    [0.0, 1.0, 1.0, 0.0]
    """
    return _gate("xor", lambda a, b: a ^ b, "exclusive or; needs a hidden layer")


def encoder_8_3_8():
    """Eight one-hot inputs to be reproduced at eight outputs through three hidden neurons.

    Mitchell, Machine Learning (1997), chapter 4, section 4.6.4 "Hidden layer
    representations": to copy 8 patterns through a 3-neuron bottleneck the network must
    invent a code, and the trained hidden outputs come close to the 3-bit binary code.

    >>> data = encoder_8_3_8()
    >>> len(data), data[2]
    (8, ([0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]))
    """
    pairs = [([float(j == k) for j in range(8)], [float(j == k) for j in range(8)])
             for k in range(8)]
    return Dataset("encoder_8_3_8", pairs, tuple(f"x{j + 1}" for j in range(8)),
                   tuple(f"y{j + 1}" for j in range(8)),
                   "identity on one-hot vectors; train an 8-3-8 net and read the hidden code",
                   "Mitchell (1997), Machine Learning, ch. 4, section 4.6.4")


# -- TensorFlow Playground's 2-D sets -----------------------------------------------------------
# Written in Python after the Playground's generators (classifyCircleData, classifyXORData,
# classifyTwoGaussData, classifySpiralData). The Playground's noise slider runs from 0 to 50
# and divides by 100, so noise here is 0..0.5 as in its code; n = 500 is its
# NUM_SAMPLES_CLASSIFY. Its two-class loops run n/2 times each; here the positive class gets
# the extra point when n is odd, so len() == n. The Playground's randUniform(a, b),
# a + (b - a) * U[0, 1), is random.uniform(a, b) to the bit.

def _normal(rng, mean, variance):
    """The Playground's normalRandom (Marsaglia's polar method): redraw until
    0 < s = v1^2 + v2^2 <= 1 (it only rejects s > 1; s = 0 would take ln 0), then
    z = v1 sqrt(-2 ln s / s) and the result is mean + sqrt(variance) z."""
    while True:
        v1, v2 = 2 * rng.random() - 1, 2 * rng.random() - 1
        s = v1 * v1 + v2 * v2
        if 0 < s <= 1:
            return mean + math.sqrt(variance) * math.sqrt(-2 * math.log(s) / s) * v1


def _playground(name, points, labels, text, noise, seed):
    pairs = [([x, y], [_LABELS[labels][label > 0]]) for x, y, label in points]
    return Dataset(name, pairs, ("x1", "x2"), ("label",),
                   f"{text} (noise={noise}, seed={seed})", PLAYGROUND, ("negative", "positive"))


#: The most points a 2-D set is drawn with (the Playground draws 500): each sample is two
#: small lists of floats, about 300 bytes, so 100,000 take some 30 MB and a second to draw, and
#: an epoch of online training on them several seconds. More is refused, not started.
MAX_SAMPLES = 100_000


def _checked(n, noise, seed, labels):
    """Validate the common arguments; return the generator and the two class sizes."""
    check_count("n", n, 2, MAX_SAMPLES, "samples")
    if not is_number(noise) or not 0 <= noise <= 0.5:
        raise ConfigurationError(f"noise must be between 0 and 0.5, got {noise!r}")
    if labels not in tuple(_LABELS):
        raise ConfigurationError(f"labels must be 'binary' (0/1) or 'signed' (-1/+1), "
                                 f"got {labels!r}")
    return random.Random(check_seed(seed)), (n + 1) // 2, n // 2


def circle(n=500, *, noise=0.0, seed=None, labels="binary"):
    """A disc of positives (radius < 2.5) inside a ring of negatives (3.5 < radius < 5).

    After classifyCircleData (TensorFlow Playground, src/dataset.ts). Noise does not move
    the points: the label is taken at the point shifted by noise * U(-5, 5) in x and y, so
    noise flips labels near the gap. Not linearly separable; a few tanh hidden neurons learn it.
    Targets are [1.0] inside and [0.0] outside (labels="signed": +1 and -1, for tanh outputs).

    >>> data = circle(4, seed=1)
    >>> [[round(v, 2) for v in x] for x in data.inputs], data.targets
    ([[-0.27, 0.19], [0.39, -1.18], [0.65, 3.58], [0.06, 4.64]], [[1.0], [1.0], [0.0], [0.0]])
    """
    rng, n_pos, n_neg = _checked(n, noise, seed, labels)
    radius = 5.0
    points = []
    for count, r_lo, r_hi in ((n_pos, 0.0, radius * 0.5), (n_neg, radius * 0.7, radius)):
        for _ in range(count):
            r, angle = rng.uniform(r_lo, r_hi), rng.uniform(0.0, 2 * math.pi)
            x, y = r * math.sin(angle), r * math.cos(angle)
            noise_x, noise_y = (rng.uniform(-radius, radius) * noise for _ in "xy")
            inside = math.hypot(x + noise_x, y + noise_y) < radius * 0.5
            points.append((x, y, 1 if inside else -1))
    return _playground("circle", points, labels, "TensorFlow Playground circle", noise, seed)


def xor_quadrants(n=500, *, noise=0.0, seed=None, labels="binary"):
    """Points in the square [-5.3, 5.3]^2, positive where x1 * x2 >= 0 (quadrants I and III).

    After classifyXORData (TensorFlow Playground, src/dataset.ts): each coordinate is drawn
    from U(-5, 5) and pushed 0.3 away from the axes; the label is taken at the point shifted
    by noise * U(-5, 5), so noise flips labels near the axes. The continuous form of xor().

    >>> data = xor_quadrants(4, seed=1)
    >>> [[round(v, 2) for v in x] for x in data.inputs], data.targets
    ([[-3.96, 3.77], [-0.35, -0.81], [-4.36, -5.02], [2.92, -5.28]], [[0.0], [1.0], [1.0], [0.0]])
    """
    rng, _, _ = _checked(n, noise, seed, labels)
    points = []
    for _ in range(n):
        x, y = (v + (0.3 if v > 0 else -0.3) for v in (rng.uniform(-5.0, 5.0),
                                                      rng.uniform(-5.0, 5.0)))   # padding 0.3
        noise_x, noise_y = (rng.uniform(-5.0, 5.0) * noise for _ in "xy")
        points.append((x, y, 1 if (x + noise_x) * (y + noise_y) >= 0 else -1))
    return _playground("xor_quadrants", points, labels, "TensorFlow Playground exclusive or",
                       noise, seed)


def gaussians(n=500, *, noise=0.0, seed=None, labels="binary"):
    """Two round gaussian clouds: positives around (2, 2), negatives around (-2, -2).

    After classifyTwoGaussData (TensorFlow Playground, src/dataset.ts). Noise widens both:

        variance = 0.5 + 7 * noise        (0.5 at noise 0, 4 at noise 0.5)

    Linearly separable at low noise: a single neuron is enough.

    >>> data = gaussians(4, seed=3)
    >>> [[round(v, 2) for v in x] for x in data.inputs], data.targets
    ([[0.89, 0.84], [2.12, 1.45], [-1.88, -1.11], [-1.72, -1.76]], [[1.0], [1.0], [0.0], [0.0]])
    """
    rng, n_pos, n_neg = _checked(n, noise, seed, labels)
    variance = 0.5 + (4.0 - 0.5) * noise / 0.5
    points = [(_normal(rng, centre, variance), _normal(rng, centre, variance), label)
              for count, centre, label in ((n_pos, 2.0, 1), (n_neg, -2.0, -1))
              for _ in range(count)]
    return _playground("gaussians", points, labels, "TensorFlow Playground two gaussians",
                       noise, seed)


def spiral(n=500, *, noise=0.0, seed=None, labels="binary"):
    """Two interleaved spiral arms, 1.75 turns each, the negative arm rotated by pi.

    After classifySpiralData (TensorFlow Playground, src/dataset.ts): point i of m on an arm
    has radius and angle

        r = 5 i / m        t = 1.75 * 2 pi i / m + delta_t        (delta_t = 0 or pi)
        x1 = r sin t + noise * U(-1, 1),   x2 = r cos t + noise * U(-1, 1)

    The hardest of the four: it needs several hidden layers (or sin/square features).

    >>> data = spiral(4, seed=0)
    >>> [[round(v, 2) for v in x] for x in data.inputs], data.targets
    ([[0.0, 0.0], [-1.77, 1.77], [0.0, -0.0], [1.77, -1.77]], [[1.0], [1.0], [0.0], [0.0]])
    """
    rng, n_pos, n_neg = _checked(n, noise, seed, labels)
    points = [(r * math.sin(t) + rng.uniform(-1.0, 1.0) * noise,
               r * math.cos(t) + rng.uniform(-1.0, 1.0) * noise, label)
              for count, delta_t, label in ((n_pos, 0.0, 1), (n_neg, math.pi, -1))
              for i in range(count)
              for r, t in [(i / count * 5, 1.75 * i / count * 2 * math.pi + delta_t)]]
    return _playground("spiral", points, labels, "TensorFlow Playground spiral", noise, seed)


# -- Fisher's iris --------------------------------------------------------------------------------

IRIS_SPECIES = ("setosa", "versicolor", "virginica")


def iris():
    """Fisher's iris data: 150 flowers, 50 of each species, four measurements in cm.

    Fisher (1936), "The use of multiple measurements in taxonomic problems", Annals of
    Eugenics 7, 179-188, from Anderson's measurements; as in the UCI Machine Learning
    Repository's corrected file (bezdekIris.data): rows 35 and 38 fixed as in Bezdek et al.
    (1999), "Will the real iris data please stand up?". Inputs: sepal length, sepal width,
    petal length, petal width; targets one-hot over (setosa, versicolor, virginica). Setosa
    is linearly separable from the others; versicolor and virginica overlap a little.
    Rows come grouped by species: shuffle (train_test_split does) before online training.

    >>> data = iris()
    >>> len(data), data[0], data.classes
    (150, ([5.1, 3.5, 1.4, 0.2], [1.0, 0.0, 0.0]), ('setosa', 'versicolor', 'virginica'))
    """
    text = (importlib.resources.files(__package__) / "data" / "iris.csv").read_text("utf-8")
    header, *rows = csv.reader(text.splitlines())
    pairs = [([float(v) for v in measurements], [float(species == name) for name in IRIS_SPECIES])
             for *measurements, species in rows]
    return Dataset("iris", pairs, tuple(header[:4]), IRIS_SPECIES,
                   "150 iris flowers, 4 measurements in cm, 3 species (one-hot)",
                   "Fisher (1936); UCI Machine Learning Repository, Iris (bezdekIris.data)",
                   IRIS_SPECIES)


# -- splitting and scaling --------------------------------------------------------------------

def train_test_split(samples, *, test_fraction=0.2, seed=None):
    """Shuffle ``samples`` with ``random.Random(seed)`` and cut off a test part.

    The test part has round(n * test_fraction) samples, at least one, and the training
    part keeps at least one. Both come back shuffled, as new lists holding copies of the
    pairs; a Dataset in gives two Datasets out. The same seed gives the same split.

    >>> train, test = train_test_split(xor(), test_fraction=0.25, seed=0)
    >>> len(train), len(test), test.samples
    (3, 1, [([1.0, 0.0], [1.0])])
    """
    if not is_number(test_fraction) or not 0 < test_fraction < 1:
        raise ConfigurationError(f"test_fraction must be strictly between 0 and 1, "
                                 f"got {test_fraction!r}")
    rng = random.Random(check_seed(seed))     # the seeds a network and fit() take
    pairs = _pairs(samples)
    if len(pairs) < 2:
        raise ShapeError(f"train_test_split needs at least 2 samples, got {len(pairs)}")
    rng.shuffle(pairs)
    n_test = min(max(round(len(pairs) * test_fraction), 1), len(pairs) - 1)
    return _like(samples, pairs[n_test:]), _like(samples, pairs[:n_test])


def _linear(x, a, b, c, d):
    """``x`` carried linearly from [a, b] onto [c, d]:

        c + (x - a) (d - c) / (b - a)

    Where a width overflows (a = -1e308, b = 1e308: b - a is inf), everything is halved first
    and the result doubled, so the range wider than the largest float is still mapped right."""
    if math.isinf(b - a) or math.isinf(d - c):
        return 2 * _linear(x / 2, a / 2, b / 2, c / 2, d / 2)
    return c + (x - a) * (d - c) / (b - a)


class MinMaxScaler:
    """Rescale each input column linearly so the fitted minimum goes to ``lo`` and the
    maximum to ``hi``:

        x' = lo + (x - min) (hi - lo) / (max - min)

    Fit on the training inputs only, then transform the training and the test samples
    with the same numbers (test values may land a little outside [lo, hi]). Targets are
    left alone. A constant column (max == min) goes to the middle of the range, and
    ``inverse`` gives it back its constant value. Use (0, 1) for sigmoid networks and
    (-1, 1) for tanh. Every input must be a finite number (InputError names the one that is
    not); a range wider than the largest float (max - min overflows) is still scaled right.

    >>> scaler = MinMaxScaler(-1, 1).fit([([2.0, 10.0], [1.0]), ([4.0, 10.0], [0.0])])
    >>> scaler.transform([([3.0, 10.0], [1.0])]), scaler.inverse([1.0, 0.0])
    ([([0.0, 0.0], [1.0])], [4.0, 10.0])
    """

    def __init__(self, lo=0.0, hi=1.0):
        for name, value in (("lo", lo), ("hi", hi)):
            if not is_number(value):
                raise ConfigurationError(f"{name} must be a finite number, got {value!r}")
        if not lo < hi:
            raise ConfigurationError(f"lo must be less than hi, got lo={lo!r}, hi={hi!r}")
        self.lo, self.hi = float(lo), float(hi)
        self.data_min = self.data_max = None

    def fit(self, samples):
        """Record each input column's minimum and maximum; returns the scaler."""
        inputs = [x for x, _ in _pairs(samples)]
        if not inputs:
            raise ShapeError("MinMaxScaler.fit needs at least 1 sample, got 0")
        for k, x in enumerate(inputs):
            if len(x) != len(inputs[0]):
                raise ShapeError(f"samples[{k}] has {len(x)} inputs, expected "
                                 f"{len(inputs[0])} like samples[0]")
            inputs[k] = _finite_inputs(x, f"samples[{k}] inputs")
        self.data_min = [min(column) for column in zip(*inputs)]
        self.data_max = [max(column) for column in zip(*inputs)]
        return self

    def _map(self, inputs, field, verb, f):
        """[f(x, min, max) for each entry x of ``inputs``], after checking them; InputError
        naming the first result that left the float range."""
        if self.data_min is None:
            raise ConfigurationError("this MinMaxScaler is not fitted yet\n"
                                     "call scaler.fit(train) first")
        x = check_list(field, inputs, f"{len(self.data_min)} numbers")
        if len(x) != len(self.data_min):
            raise ShapeError(f"MinMaxScaler was fitted on {len(self.data_min)} inputs, "
                             f"got {len(x)}: {x!r}")
        values = [f(*v) for v in zip(_finite_inputs(x, field), self.data_min, self.data_max)]
        for i, v in enumerate(values):
            if not math.isfinite(v):
                raise InputError(
                    f"{field}[{i}] = {x[i]!r} {verb} to {v!r}, outside the float "
                    f"range; it lies too far outside the fitted range "
                    f"[{self.data_min[i]!r}, {self.data_max[i]!r}]")
        return values

    def transform_inputs(self, inputs, field="inputs"):
        """Scale one input list: [min, max] onto [lo, hi]; a constant column to the middle."""
        return self._map(inputs, field, "scales", lambda x, x_min, x_max: (self.lo + self.hi) / 2
                         if x_min == x_max else _linear(x, x_min, x_max, self.lo, self.hi))

    def inverse(self, inputs):
        """Undo transform_inputs on one input list: x = min + (x' - lo) (max - min) / (hi - lo)."""
        return self._map(inputs, "inputs", "maps back",
                         lambda x, x_min, x_max: _linear(x, self.lo, self.hi, x_min, x_max))

    def transform(self, samples):
        """New (inputs, targets) pairs with the inputs scaled; a Dataset in, a Dataset out."""
        return _like(samples, [(self.transform_inputs(x, f"samples[{k}] inputs"), t)
                               for k, (x, t) in enumerate(_pairs(samples))])

    def fit_transform(self, samples):
        """fit(samples), then transform(samples)."""
        return self.fit(samples).transform(samples)

    def __repr__(self):
        return f"MinMaxScaler(lo={self.lo}, hi={self.hi}, fitted={self.data_min is not None})"

