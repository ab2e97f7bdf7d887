"""neurosim.json_nesting: deep JSON is refused with a FormatError before json.loads sees it.

On CPython json.loads raises RecursionError (not a ValueError) on deep nesting; under Pyodide
it can kill the interpreter. Every reader of JSON text in neurosim checks the depth first.
"""

import pytest

from neurosim.errors import FormatError
from neurosim.hand_check.claims import parse_json
from neurosim.json_nesting import MAX_DEPTH, check_nesting, nesting_depth
from neurosim.record import StepRecord
from neurosim.serialize import loads
from neurosim.worked_examples import MAZUR_INPUTS, MAZUR_TARGETS, mazur


@pytest.mark.parametrize("text, depth", [
    ("0.5", 0),
    ("[]", 1),
    ('{"a": [1, [2, {"b": []}]], "c": []}', 5),
    ('["[[[[", "]]"]', 1),                       # brackets inside strings do not count
    (r'["\"[[[", "\\", [[]]]', 3),               # nor after escaped quotes and backslashes
    ("[" * 7, 7),                                # unmatched: the depth is still measured
])
def test_depth_counts_brackets_outside_strings(text, depth):
    assert nesting_depth(text) == depth


def test_counting_stops_just_past_the_limit():
    assert nesting_depth("[" * 1_000_000, limit=10) == 11


def test_the_limit_itself_is_allowed():
    check_nesting("[" * MAX_DEPTH + "]" * MAX_DEPTH, where="$")
    with pytest.raises(FormatError, match=r"^line 2: the JSON is nested too deeply \(more "
                                          r"than 100 levels of \[ and \{\)$"):
        check_nesting("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), where="line 2")


DEEP = "[" * 100_000 + "]" * 100_000


def test_a_saved_network_nested_deep_is_a_format_error():
    with pytest.raises(FormatError, match=r"^\$: the JSON is nested too deeply"):
        loads(DEEP)


def first_event_line():
    record = mazur().train(MAZUR_INPUTS, MAZUR_TARGETS, record=True)
    return record.to_jsonl().splitlines()[0]


def test_a_step_record_nested_deep_is_a_format_error_naming_the_line():
    with pytest.raises(FormatError, match=r"^line 2: the JSON is nested too deeply"):
        StepRecord.from_jsonl(first_event_line() + "\n" + DEEP)


def test_json_claims_nested_deep_are_a_format_error_naming_the_source():
    with pytest.raises(FormatError, match=r"^answers\.json: the JSON is nested too deeply"):
        parse_json('{"claims": ' + DEEP + "}", source="answers.json")
