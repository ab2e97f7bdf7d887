"""The files the ``--help`` examples name are shipped in ``demos/`` and do what the examples say.

``demos/net.json`` is Mazur's 2-2-2 network saved with ``net.save()``; ``demos/answers.txt`` a
student's claims about its first update with one slip; ``demos/lesson.txt`` a classroom script
for ``neurosim step --commands``. Each example line of every subcommand's ``--help`` that reads
a file from ``demos/`` is run as written (in a temporary folder that sees the same ``demos/``),
and every file a claims file cites must be in the repository. Expected numbers are Mazur's
printed figures (tests/published.py) and, for the slip, the chain rule done by hand below.
"""

import io
import math
import os
import re
import shlex
import sys

import pytest

from published import MAZUR_LINES
from neurosim.cli import COMMANDS, build_parser, main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMOS = os.path.join(ROOT, "demos")

#: Mazur (2015): w1..w8 and the shared biases b1, b2 of the network before the update.
MAZUR_WEIGHTS = [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]]
MAZUR_BIASES = [0.35, 0.60]


def example_lines():
    """(command, line) for every ``neurosim ...`` line of every subcommand's examples."""
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.choices and "step" in a.choices).choices
    for name in COMMANDS:
        epilog = subparsers[name].epilog or ""
        for line in epilog.splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith("neurosim "):
                yield name, line


def demo_files_named(line):
    return [word for word in shlex.split(line) if word.startswith("demos/")]


def test_every_demos_file_an_example_names_exists():
    named = {word for _, line in example_lines() for word in demo_files_named(line)}
    assert {"demos/net.json", "demos/answers.txt", "demos/lesson.txt"} <= named
    for word in named:
        assert os.path.isfile(os.path.join(ROOT, word)), word


def test_no_example_reads_a_file_that_is_not_shipped():
    # an input file in an example is in demos/, or written by an earlier example (--save) or
    # is the example's output (-o, --plot), or a file in a folder an earlier example wrote
    written = set()
    for _, line in example_lines():
        words = shlex.split(line)
        for before, word in zip(words, words[1:]):
            if before in ("-o", "--save", "--plot"):
                written.add(word)
        for before, word in zip(words, words[1:]):
            if (word.endswith((".txt", ".json")) and before not in ("-o", "--save", "--plot")
                    and word not in written
                    and not any(word.startswith(w.rstrip("/") + "/") for w in written)):
                assert word.startswith("demos/"), line


#: the example lines that read demos/ files -> the exit status they end with
EXIT = {"check": 1}  # each shipped claims file has a wrong claim: the point of checking it
#: ... except the worked examples typed as their books print them, all right
ALL_RIGHT = ("demos/claims/han_kamber_pei.txt",)


@pytest.mark.parametrize("command, line", [(c, l) for c, l in example_lines()
                                           if demo_files_named(l)],
                         ids=lambda value: value if " " in value else None)
def test_each_example_that_reads_a_shipped_file_runs(command, line, tmp_path, monkeypatch,
                                                     capsys):
    os.symlink(DEMOS, tmp_path / "demos")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))       # the stepper's prompt: at once EOF
    status = main(shlex.split(line)[1:])
    captured = capsys.readouterr()
    right = any(name in line for name in ALL_RIGHT)
    assert status == (0 if right else EXIT.get(command, 0)), captured.err
    assert "error" not in captured.err
    if "-o" in line:
        written = shlex.split(line)[shlex.split(line).index("-o") + 1]
        assert (tmp_path / written).stat().st_size > 0
    assert sorted(os.listdir(tmp_path)) == sorted(["demos"] + (["net.html"] if "-o" in line
                                                                else []))


def test_net_json_is_mazurs_network():
    from neurosim import NeuralNetwork
    net = NeuralNetwork.load(os.path.join(DEMOS, "net.json"))
    assert net.layer_sizes == [2, 2, 2]
    assert [[n.weights for n in layer] for layer in net.layers] == MAZUR_WEIGHTS
    assert [[n.bias for n in layer] for layer in net.layers] == [[0.35, 0.35], [0.60, 0.60]]


def test_the_worksheet_of_net_json_prints_mazurs_figures(capsys):
    assert main(["worksheet", os.path.join(DEMOS, "net.json"), "--input", "0.05", "0.1",
                 "--target", "0.01", "0.99"]) == 0
    out = capsys.readouterr().out
    for name in ("out_h1", "E_total", "delta_o1", "w5+", "w1+"):
        line = next(l for l in out.splitlines() if l.strip().startswith(name + " = "))
        value = float(line.rsplit("= ", 1)[1])
        printed = MAZUR_LINES[name]
        half_unit = 0.5 * 10.0 ** -len(printed.split(".")[1])
        assert abs(value - float(printed)) <= half_unit, line


def test_answers_txt_has_one_slip_and_its_consequences():
    from neurosim import NeuralNetwork, check
    net = NeuralNetwork.load(os.path.join(DEMOS, "net.json"))
    report = check(os.path.join(DEMOS, "answers.txt"), net=net)
    assert not report.ok
    # the slip: f(net_h1) = out_h1 written where f'(net_h1) = out_h1 (1 - out_h1) belongs
    assert report.first_wrong.name == "dout_h1/dnet_h1"
    assert "f(net) used where f'(net) belongs" in report["dout_h1/dnet_h1"].explanation
    wrong = {r.name for r in report.wrong}
    assert wrong == {"dout_h1/dnet_h1", "dE/dw1", "w1+"}
    # the carried figures, by hand: dE/dw1 = dE/dout_h1 * out_h1 * i1, w1+ = w1 - eta * dE/dw1
    carried = 0.036350306 * 0.593269992 * 0.05
    claims = dict(re.findall(r"^(\S+) = (\S+)", open(os.path.join(DEMOS, "answers.txt"),
                                                        encoding="utf-8").read(), re.M))
    assert math.isclose(float(claims["dE_total/dw1"]), carried, rel_tol=1e-5)
    assert math.isclose(float(claims["w1+"]), 0.15 - 0.5 * carried, rel_tol=1e-8)
    # every other number is one Mazur prints
    for name, value in claims.items():
        if name in MAZUR_LINES and name not in ("dout_h1/dnet_h1", "dE_total/dw1", "w1+"):
            assert value == MAZUR_LINES[name], name


def test_lesson_txt_shows_mazurs_figures(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("quit\n"))
    assert main(["step", "--commands", os.path.join(DEMOS, "lesson.txt")]) == 0
    out = capsys.readouterr().out
    for name in ("out_h1", "dout_o1/dnet_o1", "delta_o1", "dout_h1/dnet_h1"):
        assert f"\n{name} = {MAZUR_LINES[name]}\n" in out, name
    for hint in ("unknown", "not computed", "no such", "***", "did you mean"):
        assert hint not in out.lower()


def cited_paths(text):
    return re.findall(r"(?<![\w/.])((?:/|[\w.-]+/)[\w./-]*\.(?:py|txt|json|md|rst))\b", text)


def test_the_claims_files_cite_only_files_of_the_repository():
    for name in sorted(os.listdir(os.path.join(DEMOS, "claims"))):
        with open(os.path.join(DEMOS, "claims", name), encoding="utf-8") as f:
            text = f.read()
        cited = cited_paths(text)
        assert cited, name
        for path in cited:
            assert not os.path.isabs(path) and os.path.isfile(os.path.join(ROOT, path)), \
                f"{name} cites {path}"


def test_cited_paths_finds_absolute_paths():
    assert cited_paths("Source: /work/shared/seeds/001.txt, see tests/published.py.") == [
        "/work/shared/seeds/001.txt", "tests/published.py"]
