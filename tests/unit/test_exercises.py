"""neurosim.render.exercises and ``neurosim exercises``: per-student variants of a worked
example, printable sheets, and answer keys that ``neurosim check`` grades.

The keys' numbers are checked against the independent matrix reference (tests/reference.py) on
Mazur's rules (2-2-2, shared biases not updated, sigmoid, half squared error, eta = 0.5), not
only against neurosim's own checker.
"""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

import reference
from neurosim import ConfigurationError, UnknownNameError
from neurosim.cli import main
from neurosim.hand_check.claims import parse
from neurosim.render.exercises import default_questions, variants
from neurosim.worked_examples import mazur


def givens_of(v):
    return tuple(v.givens.items())


# -- variants --------------------------------------------------------------------------------------

def test_variants_differ_and_are_reproducible_from_the_seed():
    first = variants("mazur", students=30, seed=2024)
    again = variants("mazur", students=30, seed=2024)
    other = variants("mazur", students=30, seed=2025)
    assert len({givens_of(v) for v in first}) == 30                 # no two students alike
    assert [v.key() for v in first] == [v.key() for v in again]     # the same seed, the same
    assert [givens_of(v) for v in first] != [givens_of(v) for v in other]
    # a student's sheet depends on the seed and the number only, not on the class's size
    assert givens_of(variants("mazur", students=31, seed=2024)[6]) == givens_of(first[6])
    # and the drawing follows the example's own style: multiples of 0.05, never 0
    for v in first:
        for name in ("w1", "w5", "b1", "i1"):
            value = float(v.givens[name])
            assert value != 0 and abs(round(value * 20) - value * 20) < 1e-9
        assert 0 < float(v.givens["target_o1"]) < 1


def test_seed002_variants_keep_whole_numbers():
    for v in variants("seed002", students=5, seed=1):
        assert all(float(value).is_integer() for name, value in v.givens.items()
                   if not name.startswith("target_"))


def test_the_key_agrees_with_the_independent_reference():
    for v in variants("mazur", students=4, seed=9):
        g = {k: float(x) for k, x in v.givens.items()}
        weights = [[[g["w1"], g["w2"]], [g["w3"], g["w4"]]],
                   [[g["w5"], g["w6"]], [g["w7"], g["w8"]]]]
        r = reference.step(weights, [g["b1"], g["b2"]], [g["i1"], g["i2"]],
                           [g["target_o1"], g["target_o2"]], bias="shared", train_biases=False,
                           learning_rate=0.5)
        expected = {"out_h1": r.a[0][0], "out_o1": r.a[1][0], "E_total": r.error,
                    "delta_o1": r.delta[1][0], "dE/dw5": r.grad_W[1][0][0],
                    "w5+": r.new_W[1][0][0], "delta_h1": r.delta[0][0],
                    "dE/dw1": r.grad_W[0][0][0], "w1+": r.new_W[0][0][0]}
        assert v.questions == list(expected)
        for name, value in expected.items():
            assert v.answers[name] == pytest.approx(value, rel=1e-12, abs=1e-15)
            printed = v.printed(name)
            assert len(printed.lstrip("-").replace(".", "").lstrip("0").split("e")[0]) == 9
            assert abs(float(printed) - value) <= 0.5 * 10 ** (
                int(f"{abs(value):e}".split("e")[1]) - 8) * (1 + 1e-9)


def test_questions_are_checked_against_the_step():
    assert default_questions(mazur())[:2] == ["out_h1", "out_o1"]
    v = variants("mazur", questions="dE_total/dnet_o1, w8+", seed=1)[0]
    assert v.questions == ["delta_o1", "w8+"]                      # canonical names
    with pytest.raises(ConfigurationError) as info:
        variants("mazur", questions=["w5"])
    assert str(info.value) == ("question 'w5' is a given of the problem (each variant prints "
                               "it); ask for a computed quantity, e.g. 'w5+'")
    with pytest.raises(UnknownNameError, match="question 'out_h9' is not a quantity"):
        variants("mazur", questions=["out_h9"])
    with pytest.raises(ConfigurationError, match="students must be a whole number from 1 to "
                                                 "500, got 0"):
        variants("mazur", students=0)
    with pytest.raises(ConfigurationError, match="example must be one of mazur, seed002, han_kamber_pei, bp_chapter3, postnetwork_softmax, got "
                                                 "'xor'"):
        variants("xor")


def test_the_sheet_hides_the_answers_and_shows_the_givens():
    v = variants("mazur", students=3, seed=4)[2]
    sheet = v.html()
    root = ET.fromstring(sheet)
    blanks = [td.get("data-quantity") for td in root.iter("td") if td.get("class") == "blank"]
    assert blanks == v.questions
    assert all(not (td.text or "").strip() for td in root.iter("td")
               if td.get("class") == "blank")
    for name in v.questions:
        assert v.printed(name) not in sheet
        assert v.printed(name)[:6] not in sheet
    assert f"w1 = {v.givens['w1']}" in sheet                        # the diagram's label
    assert "answers_03.txt" in sheet


# -- grading with neurosim check -------------------------------------------------------------------

@pytest.mark.parametrize("example", ["mazur", "seed002"])
def test_every_key_passes_neurosim_check(tmp_path, capsys, example):
    for v in variants(example, students=6, seed=11):
        path = tmp_path / f"key_{v.number}.txt"
        path.write_text(v.key(), encoding="utf-8")
        assert main(["check", str(path)]) == 0, capsys.readouterr().out
        out = capsys.readouterr().out
        assert f"{len(v.questions)} claims, {len(v.questions)} right, 0 wrong" in out


def test_a_corrupted_answer_is_flagged(tmp_path, capsys):
    v = variants("mazur", students=2, seed=11)[1]
    right = v.printed("dE/dw5")                       # e.g. 0.0123456789: no exponent here
    assert right[-1].isdigit() and "e" not in right
    bad = right[:-1] + str((int(right[-1]) + 3) % 10)   # the last printed digit off by 3
    text = v.key().replace(f"dE/dw5 = {right}", f"dE/dw5 = {bad}")
    assert text != v.key()
    path = tmp_path / "key_02.txt"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "1 wrong" in out and "dE/dw5" in out


def fill(form, answers):
    lines = []
    for line in form.splitlines():
        name = line[:-3] if line.endswith(" = ") else None
        lines.append(f"{name} = {answers[name]}" if name in answers else line)
    return "\n".join(lines) + "\n"


def test_a_students_filled_form_is_graded(tmp_path, capsys):
    v = variants("mazur", students=5, seed=3)[4]
    form = v.form()
    parsed = parse(form.replace(" = \n", " = 0\n"), "form")      # the form is a claims file
    assert [c.name for c in parsed.entries][-len(v.questions):] == v.questions
    # a careful student: four significant digits, all right
    right = {name: f"{v.answers[name]:.4g}" for name in v.questions}
    path = tmp_path / "answers_05.txt"
    path.write_text(fill(form, right), encoding="utf-8")
    assert main(["check", str(path)]) == 0
    capsys.readouterr()
    # a slip: out_o1 from the wrong sign of a weight -> flagged, exit status 1
    slipped = dict(right, out_o1=f"{v.answers['out_o1'] + 0.01:.4g}")
    path.write_text(fill(form, slipped), encoding="utf-8")
    assert main(["check", str(path)]) == 1
    assert "out_o1" in capsys.readouterr().out
    # a blank left: one line naming it, exit status 2
    path.write_text(form, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    assert "expected 'name = value', got 'out_h1 ='" in capsys.readouterr().err


# -- the command -----------------------------------------------------------------------------------

def test_the_command_writes_sheets_forms_and_keys(tmp_path, capsys):
    out = tmp_path / "class"
    assert main(["exercises", "-o", str(out), "--students", "12", "--seed", "7"]) == 0
    names = sorted(os.listdir(out))
    assert names[:2] == ["answers_01.txt", "answers_02.txt"] and "keys.html" in names
    assert len(names) == 12 * 3 + 2
    capsys.readouterr()
    for k in (1, 12):
        assert main(["check", str(out / f"key_{k:02d}.txt")]) == 0
    sheets = ET.fromstring((out / "sheets.html").read_text("utf-8"))
    assert len([s for s in sheets.iter("section") if s.get("data-student")]) == 12
    # the same seed again, elsewhere: the same files
    again = tmp_path / "again"
    assert main(["exercises", "-o", str(again), "--students", "12", "--seed", "7"]) == 0
    assert all((out / n).read_bytes() == (again / n).read_bytes() for n in names)


def test_the_command_never_overwrites_a_students_answers(tmp_path, capsys):
    out = tmp_path / "class"
    assert main(["exercises", "-o", str(out), "--students", "2"]) == 0
    filled = out / "answers_01.txt"
    filled.write_text("out_h1 = 0.6\n", encoding="utf-8")
    assert main(["exercises", "-o", str(out), "--students", "2", "--seed", "1"]) == 2
    err = capsys.readouterr().err
    assert "already holds 8 of the files to write" in err and "--force" in err
    assert filled.read_text("utf-8") == "out_h1 = 0.6\n"            # untouched
    assert main(["exercises", "-o", str(out), "--students", "2", "--seed", "1",
                 "--force"]) == 0
    assert filled.read_text("utf-8").startswith("# neurosim exercises: answers form")


@pytest.mark.skipif(not hasattr(os, "mkfifo") or sys.platform == "emscripten",
                    reason="FIFOs are POSIX (Pyodide has none)")
def test_a_fifo_in_the_way_is_refused_before_anything_is_written(tmp_path, capsys):
    out = tmp_path / "class"
    out.mkdir()
    os.mkfifo(out / "key_02.txt")
    assert main(["exercises", "-o", str(out), "--students", "2", "--force"]) == 2
    assert "not a regular file" in capsys.readouterr().err
    assert sorted(os.listdir(out)) == ["key_02.txt"]


@pytest.mark.parametrize("argv, message", [
    (["--ask", "w5"], "question 'w5' is a given of the problem"),
    (["--ask", "out_h9"], "question 'out_h9' is not a quantity"),
    (["--students", "0"], "students must be a whole number from 1 to 500, got 0"),
    (["--example", "xor"], "example must be one of mazur, seed002, han_kamber_pei, bp_chapter3, postnetwork_softmax, got 'xor'"),
    (["--digits", "2"], "digits must be a whole number from 4 to 17, got 2"),
])
def test_bad_options_are_one_line_and_exit_2(tmp_path, capsys, argv, message):
    assert main(["exercises", "-o", str(tmp_path / "x"), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("neurosim exercises: error: ") and message in err
    assert not (tmp_path / "x").exists()


def test_python_m_neurosim_exercises(tmp_path):
    done = subprocess.run([sys.executable, "-m", "neurosim", "exercises", "-o",
                           str(tmp_path / "q"), "--example", "seed002", "--students", "2",
                           "--ask", "out_h4,delta_o1,w13+"], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert "wrote 2 variants of seed002" in done.stdout
    key = (tmp_path / "q" / "key_02.txt").read_text("utf-8")
    assert [line.split(" =")[0] for line in key.splitlines()[-3:]] == ["out_h4", "delta_o1",
                                                                       "w13+"]
