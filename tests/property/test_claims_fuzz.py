"""Whatever a claims text or mapping holds, neurosim.check gives a report or raises a
NeurosimError naming what was wrong: nothing else escapes (no decimal.InvalidOperation from a
claim printed to 200 places or as 1e-999999999999, no ValueError from a path with a NUL in it or
a count of 5,000 digits, no RecursionError from JSON nested 100,000 deep).

The texts are built from the claims format's own pieces (names of Mazur's step, settings,
long-run names, tolerances) and drawn values, extreme and malformed ones included; the mappings
hold JSON values of every type. ``HYPOTHESIS_PROFILE=thorough`` draws 2,000 of each (run once
for this file: the two slips above were what it found, both fixed).

A report it does give judges at least one claim (a blank text is no pass), holds only finite
printed values and tolerances (1e999 is refused, not turned into inf; so is 0e999, whose last
digit would make the tolerance infinite) and is valid JSON; a JSON text with a key given twice
gives no report (a JSON reader would keep only the last). The
Python arguments (net, inputs, targets, window, diagnose) of any type give a report or a
NeurosimError too.
"""

import json
import math

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="the property tests need hypothesis")
from hypothesis import given, strategies as st  # noqa: E402

from neurosim import NeurosimError, check  # noqa: E402

NAMES = st.sampled_from([
    "out_h1", "net_o1", "E_total", "w5+", "dE/dw5", "dE_total/dw1", "delta_o1", "E_total+",
    "E_total@3", "w5@2", "out_o1@0", "out_h1@-1", "E_total@100001", "inputs", "targets",
    "network", "learning_rate", "eta", "loss", "bias", "hidden_deltas", "weight_decay",
    "train_biases", "w1", "b1", "i1", "target_o1", "x", "", "@", "E_total@" + "9" * 5000,
    "E_total@\u00b2", "E_total@010", "\ufeffout_h1"])
VALUES = st.one_of(
    st.floats().map(repr),
    st.sampled_from(["0.5", "1e400", "nan", "-0", "abc", "0.1, 0.2", "mazur", "seed002",
                     "1, 2, 3", "", "0.5 ± 1e-9", "0.5 ± -1", "0.5 +- nan", "true", "sigmoid",
                     "updated_weights", "0x10", "1_000", "\u0663", "1.87e-211", "8.3e+27",
                     "1e999", "-1e999", "0.5 ± 1e999", "9" * 400, "1.7e308", "-1.7e308",
                     "0e999", "0E+309", "1e-999999999999", "0e-999999999999", "5e-324",
                     "0.5" + "0" * 400, "0.5 ± 1e-999999999999", "sNaN", "-Infinity"]),
    st.text(max_size=8))
LINES = st.lists(st.tuples(NAMES, VALUES).map(lambda p: f"{p[0]} = {p[1]}") | st.text(max_size=20),
                 max_size=6)
JSON = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                  max_size=3),
    max_leaves=6)


def _checked(claims, **options):
    options.setdefault("window", 2)
    try:
        report = check(claims, **options)
    except NeurosimError:
        return
    assert report.results
    assert all(math.isfinite(r.value) and math.isfinite(r.tol) and r.tol >= 0
               for r in report.results)
    json.loads(report.to_json())
    return report


@given(LINES)
def test_any_claims_text_gives_a_report_or_a_neurosim_error(lines):
    _checked("\n".join(lines))


@given(st.dictionaries(NAMES, JSON | VALUES, max_size=5))
def test_any_claims_mapping_gives_a_report_or_a_neurosim_error(mapping):
    _checked(mapping)
    _checked(json.dumps(mapping))


@given(st.lists(st.tuples(NAMES, JSON | VALUES), max_size=5), st.booleans(),
       st.integers(0, 100_000))
def test_any_json_text_is_read_whole_or_refused(pairs, bom, depth):
    """Keys may repeat (json.loads would keep the last), a byte order mark may come first, and
    the first value may be nested ``depth`` lists deep."""
    values = [json.dumps(value) for _, value in pairs]
    if depth and values:
        values[0] = "[" * depth + "]" * depth
    text = ("\ufeff" if bom else "") + "{" + ", ".join(
        f"{json.dumps(name)}: {value}" for (name, _), value in zip(pairs, values)) + "}"
    if _checked(text) is not None:
        names = [name for name, _ in pairs]
        assert len(set(names)) == len(names)


ARGUMENTS = JSON | st.sampled_from(["0.05,0.1", "mazur", b"x", 1e999, -0.0, 10 ** 400])


@given(net=st.none() | ARGUMENTS, inputs=st.none() | ARGUMENTS, targets=st.none() | ARGUMENTS,
       window=st.sampled_from([2]) | ARGUMENTS, diagnose=st.booleans() | ARGUMENTS)
def test_any_arguments_give_a_report_or_a_neurosim_error(net, inputs, targets, window, diagnose):
    _checked("out_h1 = 0.593269992\nw5+ = 0.35891648", net=net, inputs=inputs, targets=targets,
             window=window, diagnose=diagnose)
