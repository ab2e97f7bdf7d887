"""Tests of neurosim.datasets.

Expected values come from the sources, not from the loader or the generators:
- Fisher's iris statistics: Fisher (1936), Table I (species means), and the UCI Machine
  Learning Repository's iris.names (summary statistics of the corrected data); rows 35 and 38
  as corrected in bezdekIris.data (Bezdek et al., 1999).
- The Playground sets: the geometry stated in tensorflow/playground src/dataset.ts (radii,
  padding, centres, spiral formula), re-derived here from random.Random draws where the order
  of draws is part of the definition.
- Mazur (2015): E_total = 0.298371109 for the published network and sample.
"""

import math
import random
import statistics

import pytest

from neurosim.datasets import (Dataset, MinMaxScaler, and_gate, circle, encoder_8_3_8,
                               gaussians, iris, mazur, or_gate, spiral, train_test_split, xor,
                               xor_quadrants)
from neurosim.errors import ConfigurationError, InputError, ShapeError

PLAYGROUND = [circle, xor_quadrants, gaussians, spiral]


# -- small hand-made sets -------------------------------------------------------------------

def test_mazur_is_the_published_sample():
    data = mazur()
    assert data.samples == [([0.05, 0.10], [0.01, 0.99])]
    assert (data.input_names, data.target_names) == (("i1", "i2"), ("o1", "o2"))


def test_a_dataset_goes_straight_into_total_error():
    from neurosim.worked_examples import mazur as mazur_net
    # Mazur (2015): "the total error for the neural network is 0.298371109"
    assert mazur_net().total_error(mazur()) == pytest.approx(0.298371109, abs=5e-10)


def test_mazur_copies_are_independent():
    first = mazur()
    first.samples[0][0][0] = 99.0
    assert mazur().samples[0][0] == [0.05, 0.10]


@pytest.mark.parametrize("make, column", [
    (and_gate, [0, 0, 0, 1]), (or_gate, [0, 1, 1, 1]), (xor, [0, 1, 1, 0])])
def test_truth_tables(make, column):
    data = make()
    assert [x for x, _ in data] == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert [t for _, t in data] == [[float(v)] for v in column]
    assert all(isinstance(v, float) for x, t in data for v in x + t)
    assert len(data) == 4 and data.classes == ("0", "1")


def test_encoder_is_the_identity_on_one_hot_vectors():
    data = encoder_8_3_8()
    assert len(data) == 8
    for k, (x, t) in enumerate(data):
        assert x == t
        assert x == [1.0 if j == k else 0.0 for j in range(8)]
    assert len(data.input_names) == len(data.target_names) == 8


def test_dataset_behaves_as_its_samples():
    data = xor()
    assert list(data) == data.samples and data[3] == ([1.0, 1.0], [0.0])
    assert data.inputs == [x for x, _ in data.samples]
    assert data.targets == [t for _, t in data.samples]
    assert repr(data) == "<Dataset 'xor': 4 samples, 2 inputs, 1 target>"
    assert random.Random(0).choice(data) in data.samples     # seed 001 trains this way


# -- TensorFlow Playground sets -------------------------------------------------------------

@pytest.mark.parametrize("make", PLAYGROUND)
@pytest.mark.parametrize("n", [2, 7, 50])
def test_playground_shapes(make, n):
    data = make(n, noise=0.2, seed=1)
    assert len(data) == n
    for x, t in data:
        assert len(x) == 2 and all(math.isfinite(v) for v in x)
        assert t in ([0.0], [1.0])
    assert data.classes == ("negative", "positive") and "playground" in data.source.lower()


@pytest.mark.parametrize("make", PLAYGROUND)
def test_playground_same_seed_same_data_other_seed_other_data(make):
    assert make(40, noise=0.1, seed=7).samples == make(40, noise=0.1, seed=7).samples
    assert make(40, noise=0.1, seed=7).samples != make(40, noise=0.1, seed=8).samples


@pytest.mark.parametrize("make", PLAYGROUND)
def test_signed_labels_are_the_same_points_labelled_minus_one(make):
    binary = make(30, noise=0.3, seed=4)
    signed = make(30, noise=0.3, seed=4, labels="signed")
    assert binary.inputs == signed.inputs
    assert [[2 * t[0] - 1] for t in binary.targets] == signed.targets


@pytest.mark.parametrize("make", [circle, gaussians, spiral])
def test_two_class_sets_are_balanced_positive_first(make):
    # the Playground generates the positive class, then the negative one
    assert make(9, seed=0).targets == [[1.0]] * 5 + [[0.0]] * 4


def test_circle_first_point_follows_the_playground_draws():
    # classifyCircleData: r ~ U(0, 2.5), angle ~ U(0, 2 pi), x = r sin(angle), y = r cos(angle)
    rng = random.Random(12)
    r, angle = 2.5 * rng.random(), 2 * math.pi * rng.random()
    x, y = circle(10, seed=12)[0][0]
    assert (x, y) == pytest.approx((r * math.sin(angle), r * math.cos(angle)), abs=1e-12)


def test_circle_without_noise_separates_the_disc_from_the_ring():
    for (x, y), t in circle(400, seed=3):
        radius = math.hypot(x, y)
        if t == [1.0]:
            assert radius < 2.5
        else:
            assert 3.5 <= radius <= 5.0


def test_circle_noise_flips_labels_but_does_not_move_points():
    data = circle(400, noise=0.5, seed=3)
    radii = [math.hypot(*x) for x in data.inputs]
    assert max(radii) <= 5.0
    flipped = [r for r, t in zip(radii, data.targets) if (r < 2.5) != (t == [1.0])]
    assert flipped, "noise 0.5 should flip some labels"


def test_xor_quadrants_label_is_the_sign_of_the_product_and_points_avoid_the_axes():
    data = xor_quadrants(400, seed=5)
    for (x, y), t in data:
        assert 0.3 <= abs(x) <= 5.3 and 0.3 <= abs(y) <= 5.3
        assert t == ([1.0] if x * y >= 0 else [0.0])
    assert {tuple(t) for t in data.targets} == {(0.0,), (1.0,)}


def test_xor_quadrants_noise_flips_labels_near_the_axes():
    data = xor_quadrants(400, noise=0.5, seed=5)
    flipped = [x for x, t in data if (x[0] * x[1] >= 0) != (t == [1.0])]
    assert flipped, "noise 0.5 should flip some labels"
    assert max(abs(v) for x in data.inputs for v in x) <= 5.3


@pytest.mark.parametrize("noise, variance", [(0.0, 0.5), (0.5, 4.0)])
def test_gaussians_centres_and_variance(noise, variance):
    # classifyTwoGaussData: centres (2, 2) and (-2, -2); variance 0.5 .. 4 over noise 0 .. 0.5
    data = gaussians(8000, noise=noise, seed=11)
    for label, centre in (([1.0], 2.0), ([0.0], -2.0)):
        xs = [x[0] for x, t in data if t == label]
        ys = [x[1] for x, t in data if t == label]
        assert len(xs) == 4000
        for column in (xs, ys):
            assert statistics.fmean(column) == pytest.approx(centre, abs=0.1)
            assert statistics.variance(column) == pytest.approx(variance, rel=0.06)


def test_spiral_without_noise_is_the_published_formula():
    # classifySpiralData: r = 5 i / m, t = 1.75 * 2 pi i / m + delta_t, x = r sin t, y = r cos t
    m = 25
    expected = []
    for delta_t in (0.0, math.pi):
        for i in range(m):
            r, t = 5 * i / m, 3.5 * math.pi * i / m + delta_t
            expected += [r * math.sin(t), r * math.cos(t)]
    got = [v for x in spiral(2 * m, seed=0).inputs for v in x]
    assert got == pytest.approx(expected, abs=1e-12)


def test_spiral_noise_moves_each_coordinate_by_at_most_noise():
    clean, noisy = spiral(60, seed=2), spiral(60, noise=0.4, seed=2)
    shifts = [abs(a - b) for p, q in zip(clean.inputs, noisy.inputs) for a, b in zip(p, q)]
    assert max(shifts) <= 0.4 and max(shifts) > 0.2


@pytest.mark.parametrize("kwargs, message", [
    (dict(noise=0.7), "noise must be between 0 and 0.5, got 0.7"),
    (dict(noise=-0.1), "noise must be between 0 and 0.5, got -0.1"),
    (dict(noise="high"), "noise must be between 0 and 0.5, got 'high'"),
    (dict(n=1), "n must be a whole number of samples from 2 to 100,000, got 1"),
    (dict(n=10.0), "n must be a whole number of samples from 2 to 100,000, got 10.0"),
    # no cap on work used to mean circle(10**12) started drawing a trillion points
    (dict(n=10**12), "n must be a whole number of samples from 2 to 100,000, "
                     "got 1000000000000"),
    (dict(n=100_001), "n must be a whole number of samples from 2 to 100,000, got 100001"),
    (dict(n=10**5000), "n must be a whole number of samples from 2 to 100,000, got an integer "
                       "of about 1e5000"),
    (dict(seed=1.5), "seed must be None, an integer or a string, got 1.5"),
    (dict(labels="tanh"), "labels must be 'binary' (0/1) or 'signed' (-1/+1), got 'tanh'"),
])
@pytest.mark.parametrize("make", PLAYGROUND)
def test_playground_bad_arguments(make, kwargs, message):
    with pytest.raises(ConfigurationError) as info:
        make(**kwargs)
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)


# -- iris -----------------------------------------------------------------------------------

def test_iris_counts_and_one_hot_targets():
    data = iris()
    assert len(data) == 150
    assert data.classes == data.target_names == ("setosa", "versicolor", "virginica")
    assert data.input_names == ("sepal_length", "sepal_width", "petal_length", "petal_width")
    counts = [sum(t[k] for t in data.targets) for k in range(3)]
    assert counts == [50, 50, 50]
    assert all(sorted(t) == [0.0, 0.0, 1.0] for t in data.targets)
    assert all(len(x) == 4 for x in data.inputs)


def test_iris_column_means_and_deviations():
    # Means of the 150 corrected rows (876.5/150, 458.6/150, 563.7/150, 179.9/150); the UCI
    # iris.names table prints them rounded. Sample SDs as printed for R's datasets::iris.
    columns = list(zip(*iris().inputs))
    means = [5.843333, 3.057333, 3.758000, 1.199333]
    deviations = [0.8280661, 0.4358663, 1.7652982, 0.7622377]      # sample SD, n - 1
    for column, mean, sd in zip(columns, means, deviations):
        assert statistics.fmean(column) == pytest.approx(mean, abs=5e-7)
        assert statistics.stdev(column) == pytest.approx(sd, abs=5e-8)


@pytest.mark.parametrize("k, means", [
    (0, [5.006, 3.428, 1.462, 0.246]),       # Fisher (1936), Table I: Iris setosa
    (1, [5.936, 2.770, 4.260, 1.326]),       # Iris versicolor
    (2, [6.588, 2.974, 5.552, 2.026]),       # Iris virginica
])
def test_iris_species_means(k, means):
    rows = [x for x, t in iris() if t[k] == 1.0]
    assert len(rows) == 50
    assert [statistics.fmean(c) for c in zip(*rows)] == pytest.approx(means, abs=5e-4)


@pytest.mark.parametrize("row, values", [
    (1, [5.1, 3.5, 1.4, 0.2]), (35, [4.9, 3.1, 1.5, 0.2]), (38, [4.9, 3.6, 1.4, 0.1]),
    (51, [7.0, 3.2, 4.7, 1.4]), (101, [6.3, 3.3, 6.0, 2.5]), (150, [5.9, 3.0, 5.1, 1.8]),
])
def test_iris_rows(row, values):
    # rows 35 and 38 are the two Bezdek et al. (1999) corrections of the UCI file
    assert iris()[row - 1][0] == values


# -- train_test_split -----------------------------------------------------------------------

def _keys(pairs):
    return sorted((tuple(x), tuple(t)) for x, t in pairs)


def test_split_sizes_and_no_overlap():
    data = iris()
    train, test = train_test_split(data, test_fraction=0.2, seed=0)
    assert (len(train), len(test)) == (120, 30)
    # iris holds one duplicated row (rows 102 and 143): compare sorted, with multiplicity
    assert _keys(list(train) + list(test)) == _keys(data)
    assert isinstance(train, Dataset) and train.classes == data.classes


def test_split_is_deterministic_by_seed_and_shuffles():
    data = iris()
    first = train_test_split(data, seed=3)
    assert first[1].samples == train_test_split(data, seed=3)[1].samples
    assert first[1].samples != train_test_split(data, seed=4)[1].samples
    assert first[0].samples != data.samples[:120]


def test_split_of_a_plain_list_returns_lists_and_leaves_the_input_alone():
    pairs = [([float(k)], [0.0]) for k in range(10)]
    original = [([float(k)], [0.0]) for k in range(10)]
    train, test = train_test_split(pairs, test_fraction=0.3, seed=1)
    assert isinstance(train, list) and (len(train), len(test)) == (7, 3)
    assert pairs == original
    assert _keys(train + test) == _keys(original)
    assert not set(map(str, train)) & set(map(str, test))


@pytest.mark.parametrize("fraction, sizes", [
    (0.01, (9, 1)), (0.99, (1, 9)), (0.5, (5, 5)), (0.37, (6, 4)), (0.33, (7, 3))])
def test_split_keeps_at_least_one_sample_on_each_side(fraction, sizes):
    train, test = train_test_split([([k], [k]) for k in range(10)], test_fraction=fraction)
    assert (len(train), len(test)) == sizes


@pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.2, "0.2"])
def test_split_bad_fraction(fraction):
    with pytest.raises(ConfigurationError, match="test_fraction must be strictly between "
                                                 f"0 and 1, got {fraction!r}"):
        train_test_split(xor(), test_fraction=fraction)


def test_split_needs_two_samples():
    with pytest.raises(ShapeError, match="at least 2 samples, got 1"):
        train_test_split(mazur())


# -- MinMaxScaler ---------------------------------------------------------------------------

TRAIN = [([1.0, -4.0, 7.0], [1.0]), ([3.0, 0.0, 7.0], [0.0]), ([2.0, 4.0, 7.0], [1.0])]


def test_scaler_maps_train_columns_onto_the_range():
    scaled = MinMaxScaler().fit_transform(TRAIN)
    assert [x for x, _ in scaled] == [[0.0, 0.0, 0.5], [1.0, 0.5, 0.5], [0.5, 1.0, 0.5]]
    assert [t for _, t in scaled] == [t for _, t in TRAIN]


def test_scaler_to_minus_one_one_and_outside_values_extrapolate():
    scaler = MinMaxScaler(-1, 1).fit(TRAIN)
    assert scaler.transform_inputs([5.0, 8.0, 7.0]) == [3.0, 2.0, 0.0]
    assert (scaler.data_min, scaler.data_max) == ([1.0, -4.0, 7.0], [3.0, 4.0, 7.0])


def test_scaler_round_trip_and_constant_column():
    scaler = MinMaxScaler(-0.5, 2.0).fit(TRAIN)
    for x in ([1.5, 3.0, 7.0], [-10.0, 0.25, 7.0]):
        assert scaler.inverse(scaler.transform_inputs(x)) == pytest.approx(x, abs=1e-12)
    assert scaler.transform_inputs([2.0, 0.0, 7.0])[2] == 0.75       # middle of [-0.5, 2]


def test_scaler_fitted_on_train_only_and_dataset_in_dataset_out():
    train, test = train_test_split(iris(), seed=0)
    scaler = MinMaxScaler().fit(train)
    scaled_train, scaled_test = scaler.transform(train), scaler.transform(test)
    assert isinstance(scaled_test, Dataset) and scaled_test.name == "iris"
    for k in range(4):
        column = [x[k] for x in scaled_train.inputs]
        assert (min(column), max(column)) == (0.0, 1.0)
    assert scaled_test.targets == test.targets


@pytest.mark.parametrize("args, message", [
    ((1, 1), "lo must be less than hi, got lo=1, hi=1"),
    ((2, 0), "lo must be less than hi, got lo=2, hi=0"),
    ((float("nan"), 1), "lo must be a finite number, got nan"),
    ((0, "1"), "hi must be a finite number, got '1'"),
])
def test_scaler_bad_range(args, message):
    with pytest.raises(ConfigurationError) as info:
        MinMaxScaler(*args)
    assert str(info.value) == message


@pytest.mark.parametrize("lo, hi, name, shown", [
    (0, 10 ** 400, "hi", "1000000"),              # float(10**400) raised OverflowError
    (float("-inf"), 1, "lo", "-inf"),
])
def test_scaler_range_past_the_floats_is_refused(lo, hi, name, shown):
    with pytest.raises(ConfigurationError, match=f"^{name} must be a finite number, got {shown}"):
        MinMaxScaler(lo, hi)


def test_fractions_are_numbers_for_the_options():
    from fractions import Fraction
    assert MinMaxScaler(Fraction(-1), Fraction(1)).lo == -1.0
    assert len(circle(10, noise=Fraction(1, 10), seed=1)) == 10
    train, test = train_test_split(xor(), test_fraction=Fraction(1, 4), seed=0)
    assert (len(train), len(test)) == (3, 1)


def test_scaler_misuse():
    with pytest.raises(ConfigurationError, match="not fitted"):
        MinMaxScaler().transform_inputs([1.0])
    scaler = MinMaxScaler().fit(TRAIN)
    with pytest.raises(ShapeError, match=r"fitted on 3 inputs, got 2: \[1.0, 2.0\]"):
        scaler.inverse([1.0, 2.0])
    with pytest.raises(ShapeError, match=r"samples\[1\] has 1 inputs, expected 2"):
        MinMaxScaler().fit([([1.0, 2.0], [0.0]), ([1.0], [0.0])])
    with pytest.raises(ShapeError, match="at least 1 sample, got 0"):
        MinMaxScaler().fit([])


@pytest.mark.parametrize("samples, message", [
    (None, "samples must be an iterable of (inputs, targets) pairs, got None"),
    (5, "samples must be an iterable of (inputs, targets) pairs, got 5"),
    ([([0.0], [1.0]), 7], "samples[1] must be an (inputs, targets) pair of lists, got 7"),
])
def test_split_and_scaler_refuse_what_is_not_samples(samples, message):
    for call in (train_test_split, MinMaxScaler().fit):
        with pytest.raises(ShapeError) as info:
            call(samples)
        assert str(info.value) == message


@pytest.mark.parametrize("inputs, message", [
    (b"ab", "samples[0] inputs must be a list of numbers, got the bytes b'ab', whose items "
            "would be read as byte values (0 to 255)"),
    ({1.0: "a", 2.0: "b"}, "samples[0] inputs must be a list of numbers, got a dict "
                           "{1.0: 'a', 2.0: 'b'}, whose keys would be read as the values"),
    ({1.0, 2.0}, "samples[0] inputs must be a list of numbers in order, got the set "
                 "{1.0, 2.0}, which has no order"),
])
def test_split_and_scaler_refuse_bytes_dicts_and_sets_as_inputs(inputs, message):
    """b"ab" used to be scaled as the inputs [97, 98], a dict as its keys."""
    for call in (train_test_split, MinMaxScaler().fit):
        with pytest.raises(ShapeError) as info:
            call([(inputs, [0.0]), ([1.0, 2.0], [1.0])])
        assert str(info.value).splitlines()[0] == message


def test_scaler_takes_fractions_as_the_numbers_they_are():
    from fractions import Fraction
    scaler = MinMaxScaler().fit([([Fraction(1, 4)], [0.0]), ([Fraction(3, 4)], [1.0])])
    assert scaler.transform_inputs([Fraction(1, 2)]) == [0.5]   # (1/2 - 1/4) / (3/4 - 1/4)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), "2", None, True])
def test_scaler_refuses_inputs_that_are_not_finite_numbers(bad):
    # Before: a NaN in the training inputs made min() and max() meaningless and every value
    # of the column came out NaN, silently.
    with pytest.raises(InputError) as info:
        MinMaxScaler().fit_transform([([1.0, 2.0], [0.0]), ([bad, 3.0], [1.0])])
    assert str(info.value) == f"samples[1] inputs[0] must be a finite real number, got {bad!r}"
    scaler = MinMaxScaler().fit(TRAIN)
    with pytest.raises(InputError) as info:
        scaler.transform([([1.0, 2.0, 7.0], [0.0]), ([1.0, bad, 7.0], [0.0])])
    assert str(info.value) == f"samples[1] inputs[1] must be a finite real number, got {bad!r}"
    with pytest.raises(InputError, match=r"^inputs\[2\] must be a finite real number"):
        scaler.inverse([0.0, 0.0, bad])


def test_scaler_handles_a_range_wider_than_the_largest_float():
    # max - min = 2e308 overflows; before, x - min over it gave nan for the column's maximum.
    # Exact: -1e308 -> lo, 1e308 -> hi, 0 -> the middle; the other column is ordinary.
    wide = [([-1e308, 2.0], [0.0]), ([1e308, 3.0], [1.0]), ([0.0, 2.5], [0.0])]
    scaler = MinMaxScaler()
    assert [x for x, _ in scaler.fit_transform(wide)] == [[0.0, 0.0], [1.0, 1.0], [0.5, 0.5]]
    assert MinMaxScaler(-1, 1).fit(wide).transform_inputs([5e307, 2.25]) == pytest.approx(
        [0.5, -0.5], rel=1e-15)  # -1 + 2 (5e307 + 1e308) / 2e308 = 0.5
    assert scaler.inverse([1.0, 0.0]) == [1e308, 2.0]
    assert scaler.inverse([0.5, 1.0]) == [0.0, 3.0]


def test_scaler_refuses_a_value_that_scales_past_the_float_range():
    scaler = MinMaxScaler(-1, 1).fit([([0.0], [0.0]), ([1e-300], [1.0])])
    # (1e10 - 0) * 2 / 1e-300 = 2e310 > 1.8e308: the scaled value would be inf.
    with pytest.raises(InputError) as info:
        scaler.transform([([1e10], [0.0])])
    assert str(info.value) == ("samples[0] inputs[0] = 10000000000.0 scales to inf, outside "
                               "the float range; it lies too far outside the fitted range "
                               "[0.0, 1e-300]")
    with pytest.raises(InputError, match=r"^inputs\[0\] = 1e\+300 maps back to inf"):
        MinMaxScaler().fit([([0.0], [0.0]), ([1e300], [1.0])]).inverse([1e300])
