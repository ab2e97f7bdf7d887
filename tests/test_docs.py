"""The Sphinx site in docs/ builds with warnings as errors, and every example in it runs.

The guide that used to fill the README lives in docs/ now; its ``>>>`` examples are doctests
run by Sphinx's doctest builder (the docstrings' own examples are run by pytest's
``--doctest-modules``). Both builds are the commands a contributor types (docs/conf.py), each
into a temporary folder. They need the ``docs`` extra (``pip install -e '.[docs]'``); without
Sphinx these tests skip, saying so.

The guide pages' examples also run here with the standard library's doctest, page by page,
as the README's did: so they run on every Python of the CI matrix and in Pyodide, where Sphinx
is not installed.
"""

import doctest
import glob
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")

# The pages of the guide (not the topic pages, which come and go): each holds examples that
# the doctest builder must find and run, so a page whose examples silently stopped being
# doctests (indented into a literal block, say) fails the count below.
GUIDE_PAGES = ["index.rst", "tutorial.rst", "howto/student.rst", "howto/tester.rst",
               "howto/teacher.rst", "guide/networks.rst", "guide/training.rst",
               "guide/saving.rst", "guide/internals.rst"]


def sphinx_build(builder, out):
    """``sphinx-build -W --keep-going -b BUILDER docs OUT``: its exit status and output (the
    test skips, saying why, where Sphinx is not installed)."""
    pytest.importorskip("sphinx", reason="the documentation needs Sphinx (Python 3.11+): "
                                         "pip install -e '.[docs]'")
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-E", "-b", builder, DOCS, out],
        capture_output=True, text=True, cwd=ROOT, timeout=900)
    return done.returncode, done.stdout + done.stderr


def doctest_prompts(path):
    """The examples of a page: its ``>>>`` lines at the left margin. reStructuredText reads
    these as doctest blocks (a literal block or a directive is indented), and the doctest
    builder counts each ``>>>`` as one test."""
    with open(path, encoding="utf-8") as f:
        return sum(line.startswith(">>>") for line in f)


def test_the_guide_pages_exist_and_hold_examples():
    for page in GUIDE_PAGES:
        assert os.path.isfile(os.path.join(DOCS, page)), page
    assert sum(doctest_prompts(os.path.join(DOCS, page)) for page in GUIDE_PAGES) > 100


@pytest.mark.parametrize("page", GUIDE_PAGES)
def test_the_examples_of_a_guide_page_run(page):
    result = doctest.testfile(os.path.join(DOCS, page), module_relative=False,
                              optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted == doctest_prompts(os.path.join(DOCS, page))


def test_the_html_site_builds_without_a_warning(tmp_path):
    status, output = sphinx_build("html", str(tmp_path))
    assert status == 0, output[-8000:]
    for page in GUIDE_PAGES + ["api.rst"]:
        assert os.path.isfile(tmp_path / page.replace(".rst", ".html")), page
    # The API reference is generated from the docstrings: the public objects are all there.
    with open(tmp_path / "api.html", encoding="utf-8") as f:
        api = f.read()
    for anchor in ["neurosim.network.NeuralNetwork", "neurosim.network.NeuralNetwork.train",
                   "neurosim.neuron.Neuron", "neurosim.gradient_check.gradcheck",
                   "neurosim.hand_check.check", "neurosim.render.worksheet.worksheet",
                   "neurosim.testing.strategies.networks", "neurosim.errors.NeurosimError"]:
        assert f'id="{anchor}"' in api, anchor
    # Every topic page in docs/topics is in the site (the index includes them by glob).
    for topic in glob.glob(os.path.join(DOCS, "topics", "*.rst")):
        name = os.path.splitext(os.path.basename(topic))[0]
        assert os.path.isfile(tmp_path / "topics" / f"{name}.html"), topic


def test_every_example_in_the_pages_runs_as_a_doctest(tmp_path):
    status, output = sphinx_build("doctest", str(tmp_path))
    assert status == 0, output[-8000:]
    with open(tmp_path / "output.txt", encoding="utf-8") as f:
        summary = f.read()
    tests = int(re.search(r"^\s*(\d+) tests?$", summary, re.M).group(1))
    failures = [int(n) for n in re.findall(r"^\s*(\d+) failures? in", summary, re.M)]
    assert failures == [0, 0, 0], summary[-4000:]
    # At least every prompt of the guide pages ran (the topic pages add their own).
    assert tests >= sum(doctest_prompts(os.path.join(DOCS, page)) for page in GUIDE_PAGES)


def test_the_student_how_to_s_stepper_transcript_is_what_the_stepper_prints():
    """The session shown in howto/student.rst ("$ neurosim step" and what follows, up to the
    first blank line) typed into the stepper: the same lines, word for word."""
    from neurosim.stepper import Stepper
    from neurosim.worked_examples import MAZUR_INPUTS, MAZUR_TARGETS, mazur
    with open(os.path.join(DOCS, "howto", "student.rst"), encoding="utf-8") as f:
        text = f.read()
    block = text.split("    $ neurosim step\n", 1)[1].split("\n\n", 1)[0]
    shown = [line[4:] for line in block.splitlines()]
    commands = [line[len("(neurosim) "):] for line in shown if line.startswith("(neurosim) ")]
    import io
    out = io.StringIO()
    stepper = Stepper(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, stdout=out)
    stepper.run_script(commands)
    assert (stepper.intro + "\n" + out.getvalue()).splitlines() == shown
