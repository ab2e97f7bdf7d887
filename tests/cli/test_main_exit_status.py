"""The exit status of ``neurosim``: 1 means a check failed (a wrong claim, a gradient that
disagrees), so nothing else may end with 1. A bug in neurosim (an exception that is not a
NeurosimError) ends with 2 and one line saying it is a bug, where Python would print a
traceback and exit 1, which an autograder would read as "a wrong answer".
"""

import pytest

from neurosim.cli import main


@pytest.mark.parametrize("failure", [TypeError("unsupported operand"), RecursionError(),
                                     ValueError("x" * 5000 + "\nsecond line")])
def test_an_internal_error_is_exit_2_and_one_line(monkeypatch, capsys, failure):
    from neurosim import hand_check

    def broken(*args, **kwargs):
        raise failure

    monkeypatch.setattr(hand_check, "check", broken)
    assert main(["check", "out_h1 = 0.593269992"]) == 2
    out, err = capsys.readouterr()
    first, second = err.splitlines()
    assert first.startswith(f"neurosim check: internal error: {type(failure).__name__}")
    assert len(first) < 300 and "second line" not in err
    assert second.startswith("this is a bug in neurosim, not in the input")
    assert out == ""


def test_a_wrong_claim_is_still_exit_1(capsys):
    assert main(["check", "out_h1 = 0.593269991"]) == 1          # Mazur: 0.593269992
