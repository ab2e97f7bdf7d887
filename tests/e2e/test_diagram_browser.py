"""The worksheet's diagram as Chromium lays it out: the browser's own text boxes (getBBox),
not the layout's estimate, checked for the readability rule of issue 15: no two labels overlap
and no line crosses a label, at Mazur's 2-2-2, seed 002's 2-3-2-1 and a 40-connection 2-4-4-2;
past 40 connections no weight label and a caption that says so. A screenshot of each diagram
is left in the test's temporary folder for review.

Needs a headless Chromium (see tests/e2e/test_worksheet_browser.py); skips otherwise.
"""

import html
import json

import pytest

from geometry import boxes_overlap, line_hits_box
from neurosim import NeuralNetwork
from neurosim.render.html import CSS
from neurosim.render.svg import caption, diagram
from neurosim.worked_examples import SEED002_INPUTS, SEED002_TARGETS, mazur, seed002
from test_worksheet_browser import find_browser, run_browser

PROBE = """<script>
(function () {
  var svg = document.querySelector("svg");
  var texts = Array.prototype.map.call(svg.querySelectorAll("text:not(.on-demand)"),
                                       function (t) {
    var b = t.getBBox();
    return [b.x, b.y, b.x + b.width, b.y + b.height, t.textContent];
  });
  var lines = Array.prototype.map.call(svg.querySelectorAll("line:not(.hit)"), function (l) {
    return [[+l.getAttribute("x1"), +l.getAttribute("y1")],
            [+l.getAttribute("x2"), +l.getAttribute("y2")]];
  });
  var font = getComputedStyle(svg.querySelector(".edge text, text")).fontFamily;
  // a connection without a drawn label shows its weight once focused (Tab), and only then
  var quiet = svg.querySelector(".edge text.on-demand"), shown = null, hidden = null,
      focused = false;
  if (quiet) {
    hidden = getComputedStyle(quiet).display;
    quiet.parentNode.focus();
    shown = getComputedStyle(quiet).display;
    focused = document.hasFocus() && document.activeElement === quiet.parentNode;
  }
  document.title = JSON.stringify({texts: texts, lines: lines, font: font, hidden: hidden,
                                   shown: shown, focused: focused});
})();
</script></body>"""

CASES = {
    "mazur": lambda: (mazur(), [0.05, 0.1], [0.01, 0.99]),
    "seed002": lambda: (seed002(), SEED002_INPUTS, SEED002_TARGETS),
    "2-4-4-2": lambda: (NeuralNetwork([2, 4, 4, 2], seed=5), [0.5, -1.0], [0.0, 1.0]),
    "4-8-8-3": lambda: (NeuralNetwork([4, 8, 8, 3], seed=1), [0.1, 0.2, 0.3, 0.4],
                        [0.0, 1.0, 0.0]),
}


@pytest.fixture(scope="module")
def browser():
    return find_browser()


@pytest.mark.parametrize("case", list(CASES))
def test_the_browser_draws_no_label_over_a_line_or_a_label(browser, tmp_path, case):
    net, inputs, targets = CASES[case]()
    svg = diagram(net, inputs=inputs, targets=targets)
    page = (f'<!DOCTYPE html><html><head><meta charset="utf-8"/><style>{CSS}</style></head>'
            f'<body><figure style="width: 1000px">{svg}<figcaption>{caption(net)}'
            f'</figcaption></figure></body></html>')
    path = tmp_path / f"{case}.html"
    path.write_text(page, encoding="utf-8")
    run_browser(browser, tmp_path, f"--screenshot={tmp_path / (case + '.png')}",
                "--window-size=1040,900", path.as_uri())
    path.write_text(page.replace("</body>", PROBE), encoding="utf-8")
    dom = run_browser(browser, tmp_path, "--dump-dom", "--window-size=1040,900", path.as_uri())
    probe = json.loads(html.unescape(dom.split("<title>")[1].split("</title>")[0]))
    assert "DejaVu Sans" in probe["font"]
    boxes, lines = probe["texts"], probe["lines"]
    problems = [f"{a[4]!r} overlaps {b[4]!r}" for k, a in enumerate(boxes)
                for b in boxes[k + 1:] if boxes_overlap(a, b)]
    problems += [f"a line crosses {a[4]!r}" for a in boxes for p, q in lines
                 if line_hits_box(p, q, a)]
    assert problems == []
    weights = [b[4] for b in boxes if b[4].startswith("w") and " = " in b[4]]
    connections = sum(len(n.weights) for n in net.neurons)
    if connections <= 40:
        assert len(weights) == connections
        assert "each connection is labelled" in caption(net)
        assert probe["hidden"] is None                    # every weight drawn: none on demand
    else:
        assert weights == [] and "point at a connection" in caption(net)
        assert probe["hidden"] == "none"
        if probe["focused"]:    # a headless window without focus applies no :focus style
            assert probe["shown"] not in (None, "none")
