"""``neurosim check``: main([...]) called directly, and one subprocess.

Expected figures: Mazur (2015), published-figures.md section A (out_h1 = 0.593269992,
w5+ = 0.35891648, E_total = 0.298371109); seed 002, section B (the claims file in demos/claims).
"""

import json
import os
import subprocess
import sys

import pytest

from neurosim.cli import main

CLAIMS = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "demos", "claims")
RIGHT = "out_h1 = 0.593269992\nE_total = 0.298371109\nw5+ = 0.35891648\n"


def write(tmp_path, text, name="claims.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_all_claims_hold_exit_0(tmp_path, capsys):
    assert main(["check", write(tmp_path, RIGHT)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "claims.txt: 3 claims, 3 right, 0 wrong"
    assert "every claim holds." in out


def test_a_wrong_claim_exit_1_and_names_the_slip(tmp_path, capsys):
    path = write(tmp_path, RIGHT.replace("0.593269992", "0.593289992"))
    assert main(["check", path]) == 1
    out = capsys.readouterr().out
    assert "first wrong claim: out_h1 = 0.593289992" in out
    assert "probable typo (one digit: the 5th decimal, 6 -> 8)" in out


def test_json_for_machines(capsys):
    assert main(["check", os.path.join(CLAIMS, "seed002.json"), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["first_wrong"] == "out_o1" and doc["ok"] is False
    assert doc["slips"][0]["text"].startswith("w11 (h2 -> h5) read as 3 instead of 2")


def test_mazur_post(capsys):
    assert main(["check", os.path.join(CLAIMS, "mazur_original.txt")]) == 1
    out = capsys.readouterr().out
    assert "first wrong claim: E_total+ = 0.291027924" in out
    assert "measured before the 10000th update" in out


def test_a_saved_network_with_the_sample_in_the_claims(tmp_path, capsys):
    from neurosim.worked_examples import mazur
    network = str(tmp_path / "net.json")
    mazur().save(network)
    claims = write(tmp_path, "inputs = 0.05, 0.10\ntargets = 0.01, 0.99\n" + RIGHT)
    assert main(["check", claims, "--network", network]) == 0
    assert "3 right" in capsys.readouterr().out


def test_no_diagnosis_only_judges(tmp_path, capsys):
    path = write(tmp_path, RIGHT.replace("0.35891648", "0.35891748"))
    assert main(["check", path, "--no-diagnosis"]) == 1
    out = capsys.readouterr().out
    assert "WRONG" in out and "why:" not in out


@pytest.mark.parametrize("text, extra, message", [
    ("out_h9 = 0.5\n", [], "'out_h9' is not a quantity of this step"),
    (RIGHT, ["--network", "missing.json"], "missing.json"),
    ("network = seed002\n" + RIGHT, ["--network", "NET"], "give one of them"),
    (RIGHT, ["--window", "-1"], "--window must be 0 or more, got -1"),
    # past the float range: refused, not judged right by an infinite difference
    ("out_h1 = 1e999\n", [], "claims.txt line 1: expected a finite number, got '1e999'"),
    ("out_h1 = 0.5 ± 1e999\n", ["--json"], "line 1: expected a finite number, got '1e999'"),
    # a blank submission is not a pass
    ("", [], "claims.txt: no claims to check: expected at least one 'name = value'"),
    ("# only a comment\n", ["--json"], "got none (the file is empty or only comments)"),
    ("inputs = 0.05, 0.1\ntargets = 0.01, 0.99\n", [],
     "got only settings and givens (inputs, targets)"),
    # an autograder must not be fooled: exit 2 with one line, never a pass or a traceback
    ("out_h1 = 0e999\n", [], "claims.txt line 1: expected a number whose last printed digit "
                               "is worth from 1e-323 to 1e308 (half a unit of it is the "
                               "claim's tolerance), got '0e999'"),
    # (Pyodide's pure-Python decimal refuses the number itself: the same one line, exit 2.)
    ("out_h1 = 1e-999999999999\n", ["--json"], "got '1e-999999999999'" if sys.platform ==
     "emscripten" else "got '1e-999999999999', whose last digit"),
    ("E_total@" + "9" * 5000 + " = 0.5\n", [], "the count after @ must be a whole number of "
                                               "updates from 1 to 100,000"),
    ('{"out_h1": 0.1, "out_h1": 0.593269992}', [], "claims.txt: the key 'out_h1' appears twice "
                                                   "in one object"),
    ('{"out_h1": ' + "[" * 100_000 + "]" * 100_000 + "}", ["--json"],
     "claims.txt: the JSON is nested too deeply (more than 100 levels of [ and {)"),
    ("learning_rate = 0.5\neta = 0.1\n" + RIGHT, [], "claims.txt line 2: learning_rate is "
                                                       "given twice (also line 1)"),
])
def test_errors_are_one_line(tmp_path, capsys, text, extra, message):
    if "NET" in extra:
        from neurosim.worked_examples import mazur
        extra = ["--network", str(tmp_path / "net.json")]
        mazur().save(extra[1])
    assert main(["check", write(tmp_path, text)] + extra) == 2
    out, err = capsys.readouterr()
    assert err.startswith("neurosim check: error: ") and message in err
    assert len(err.splitlines()) <= 2 and len(err) < 600  # the message, and a fix
    assert out == ""


def test_a_byte_order_mark_is_read_past(tmp_path, capsys):
    """A file saved by Notepad starts with EF BB BF; the first name used to be '\\ufeffout_h1'."""
    path = tmp_path / "claims.txt"
    path.write_text(RIGHT, encoding="utf-8-sig")
    assert main(["check", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "claims.txt: 3 claims, 3 right, 0 wrong"


def test_a_file_that_is_not_utf8(tmp_path, capsys):
    path = tmp_path / "scan.txt"
    path.write_bytes(b"\xff\xfeo\x00u\x00")
    assert main(["check", str(path)]) == 2
    assert capsys.readouterr().err == (f"neurosim check: error: claims file {str(path)!r} is "
                                       f"not UTF-8 text (byte 0: b'\\xff')\n"
                                       f"save it as UTF-8 text\n")


def test_json_of_an_overflowing_difference(tmp_path, capsys):
    """net_o1 = 1e308 (out_h1 + out_h2) + 0.6, about 1.19e308 (Mazur's out_h1 = 0.593269992,
    out_h2 = 0.596884378): the claim -1e308 is off by more than the largest double."""
    path = write(tmp_path, "w5 = 1e308\nw6 = 1e308\nnet_o1 = -1e308\n")
    assert main(["check", path, "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["claims"][0]["difference"] is None and doc["first_wrong"] == "net_o1"


def test_a_saved_network_needs_the_sample(tmp_path, capsys):
    from neurosim.worked_examples import mazur
    network = str(tmp_path / "net.json")
    mazur().save(network)
    assert main(["check", write(tmp_path, RIGHT), "--network", network]) == 2
    assert "the claims give no inputs: add a line 'inputs = ...'" in capsys.readouterr().err


def test_python_dash_m_refuses_an_infinite_tolerance(tmp_path):
    path = write(tmp_path, "out_h1 = 0e999\n")
    done = subprocess.run([sys.executable, "-m", "neurosim", "check", path],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("neurosim check: error: claims.txt line 1: expected a number")
    assert "Traceback" not in done.stderr


def test_python_dash_m(tmp_path):
    path = write(tmp_path, RIGHT.replace("0.298371109", "0.298371119"))
    done = subprocess.run([sys.executable, "-m", "neurosim", "check", path, "--json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    doc = json.loads(done.stdout)
    assert doc["first_wrong"] == "E_total" and doc["counts"]["wrong"] == 1


def test_claims_from_standard_input_with_dash(monkeypatch, capsys):
    import io
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(RIGHT.encode()), "utf-8"))
    assert main(["check", "-"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "<stdin>: 3 claims, 3 right, 0 wrong"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_claims_fifo_nobody_writes_to_is_refused_not_waited_on(tmp_path, monkeypatch,
                                                                  capsys):
    from neurosim import files
    monkeypatch.setattr(files, "WRITER_WAIT", 0.1)
    fifo = tmp_path / "answers.txt"
    os.mkfifo(fifo)
    assert main(["check", str(fifo)]) == 2
    assert capsys.readouterr().err == (f"neurosim check: error: cannot read claims file "
                                       f"{str(fifo)!r}: it is a FIFO (named pipe) and nothing "
                                       f"was written to it within 0.1 s\n")
