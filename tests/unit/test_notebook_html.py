"""Jupyter's views (``_repr_html_``) of what neurosim returns: each one well formed, escaped,
and showing the numbers the object holds (Mazur's published figures where the object is his
step: delta_o1 = 0.138498562, w5+ = 0.35891648, dE_total/dw5 = 0.082167041)."""

import copy
import html
import json
import pickle
import re
from html.parser import HTMLParser

import pytest

from neurosim import NeuralNetwork, check, gradcheck, worksheet
from neurosim.datasets import xor
from neurosim.gradient_report import GradientReport, GradientRow
from neurosim.render.notebook import Document
from neurosim.worked_examples import MAZUR_INPUTS, MAZUR_TARGETS, mazur

VOID = {"br", "img", "meta", "link", "input", "hr", "col", "area", "base", "source", "wbr"}
SVG_EMPTY = {"polyline", "rect", "line", "path", "circle"}


class Balanced(HTMLParser):
    """Every element that is opened is closed, in order."""

    def __init__(self):
        super().__init__()
        self.stack = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-3:])
        self.stack.pop()


def well_formed(text):
    parser = Balanced()
    parser.feed(text)
    parser.close()
    assert parser.stack == []
    return text


def test_a_neuron_and_a_layer_after_mazurs_step():
    net = mazur()
    net.train(MAZUR_INPUTS, MAZUR_TARGETS)
    neuron = well_formed(net["o1"]._repr_html_())
    assert "w5=0.35891648" in neuron and ">0.138498562<" in neuron       # w5+, delta_o1
    layer = well_formed(net.layers[0]._repr_html_())
    assert layer.count("<tr>") == 3 and "h1" in layer and "h2" in layer
    fresh = well_formed(mazur()["h1"]._repr_html_())                   # nothing computed yet
    assert "<td>-</td>" in fresh


def test_a_history_draws_its_errors():
    history = NeuralNetwork([2, 3, 1], seed=0).fit(xor(), epochs=30, seed=0)
    page = well_formed(history._repr_html_())
    assert f"{history.stopped_epoch} epochs" in page
    assert f"<td>{history.errors[-1]:.6g}</td>" in page
    (points,) = re.findall(r'<polyline [^>]*points="([^"]+)"', page)
    xy = [tuple(map(float, p.split(","))) for p in points.split()]
    assert len(xy) == 30
    xs = [x for x, _ in xy]
    assert xs == sorted(xs)
    # the highest error is drawn highest (smallest y), the lowest lowest
    ys = [y for _, y in xy]
    assert ys.index(min(ys)) == history.errors.index(max(history.errors))
    assert ys.index(max(ys)) == history.errors.index(min(history.errors))
    short = NeuralNetwork([2, 3, 1], seed=0).fit(xor(), epochs=1, seed=0)
    assert "<svg" not in well_formed(short._repr_html_())        # one epoch: no curve


def test_a_history_with_test_samples_draws_them_dashed():
    data = list(xor())
    history = NeuralNetwork([2, 3, 1], seed=0).fit(data, epochs=5, seed=0, test_samples=data)
    page = well_formed(history._repr_html_())
    assert page.count("<polyline") == 2 and "stroke-dasharray" in page
    assert "total test error" in page


def test_a_gradient_check_of_mazurs_step():
    report = gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS)
    page = well_formed(report._repr_html_())
    row = re.search(r"<tr><td>dE/dw5</td><td>([^<]+)</td>", page)
    assert round(float(row[1]), 9) == 0.082167041
    assert page.count('class="good">ok<') == len(report.rows)
    assert ">0 FAIL<" in page


def test_a_failing_gradient_row_is_marked():
    rows = [GradientRow("dE/dw5", 0.5, 0.082167041, 0.417832959, 5.1, "FAIL",
                        tolerance=1e-6, score=4e5)]
    page = well_formed(GradientReport(rows, eps=1e-6, rtol=1e-5, atol=0.0, precise=False,
                                      E_total=0.298371109)._repr_html_())
    assert '<tr class="first"><td>dE/dw5</td>' in page
    assert '<td class="bad">FAIL</td>' in page and ">1 FAIL<" in page


def test_a_check_report_marks_the_first_wrong_claim():
    report = check("network = mazur\nout_h1 = 0.593269992\nout_o1 = 0.75136079   # seed 001\n"
                   "E_total = 0.298371109\n")
    page = well_formed(report._repr_html_())
    first = re.search(r'<tr class="first">(.*?)</tr>', page)[1]
    assert first.startswith("<td>out_o1</td><td>0.75136079</td>")
    assert "WRONG (first wrong claim)" in first and "probable typo" in first
    assert page.count('class="good">right<') == 2


def test_names_and_text_are_escaped():
    report = check("network = mazur\nout_h1 = 0.5   # <b>mine</b> & yours\n")
    page = well_formed(report._repr_html_())
    assert "<b>mine" not in page and "&lt;b&gt;mine&lt;/b&gt; &amp; yours" in page
    # (neuron and weight names are identifiers: no markup can come from them)


@pytest.mark.parametrize("format", ["text", "markdown", "html"])
def test_a_worksheet_is_still_a_str(format):
    sheet = worksheet(format=format)
    assert isinstance(sheet, str) and sheet.format == format
    plain = str(sheet)
    assert type(plain) is str and plain == sheet and len(plain) == len(sheet)
    assert "0.35891648" in sheet                                     # Mazur's w5+
    assert json.loads(json.dumps(sheet)) == plain
    for copied in (pickle.loads(pickle.dumps(sheet)), copy.deepcopy(sheet)):
        assert copied == sheet and copied.format == format


def test_an_html_worksheet_shows_rendered_in_a_frame_of_its_own():
    sheet = worksheet(format="html")
    frame = sheet._repr_html_()
    assert frame.startswith('<iframe srcdoc="') and frame.endswith("</iframe>")
    source = re.match(r'<iframe srcdoc="([^"]*)"', frame)[1]
    assert html.unescape(source) == str(sheet)                       # the whole page, intact
    assert worksheet(format="text")._repr_html_() is None
    assert worksheet(format="markdown")._repr_markdown_() == str(worksheet(format="markdown"))
    assert worksheet(format="html")._repr_markdown_() is None


def test_ipython_shows_a_text_worksheet_as_text():
    lines = []

    class Printer:
        def text(self, text):
            lines.append(text)
    sheet = worksheet()
    sheet._repr_pretty_(Printer(), False)
    assert lines == [str(sheet)]


def test_document_keeps_its_format_through_the_constructor():
    page = Document("<p>x</p>", "html")
    assert page == "<p>x</p>" and page.upper() == "<P>X</P>" and page.format == "html"
