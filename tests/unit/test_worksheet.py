"""neurosim.render.worksheet (and its writers: markdown, html, mathml, svg, i18n).

Expected numbers are Mazur's published figures (Mazur 2015, "A Step by Step Backpropagation
Example"; the project's table of published figures, section A), pinned to half a unit of the last
printed digit, and the error after the update computed here from the published new weights.
Well-formedness is checked with a small LaTeX scanner written here and with xml.etree.
"""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from neurosim import NeuralNetwork, quantities
from neurosim.errors import ConfigurationError, UnknownNameError
from neurosim.render.worksheet import build, worksheet
from neurosim.worked_examples import SEED002_INPUTS, SEED002_TARGETS, mazur, seed002
from published import MAZUR_LINES, mazur_after_update  # Mazur (2015), printed figures

INPUTS = [0.05, 0.10]
TARGETS = [0.01, 0.99]

MAZUR = MAZUR_LINES
MXML = "{http://www.w3.org/1998/Math/MathML}"
SVG = "{http://www.w3.org/2000/svg}"


def tolerance(printed):
    return float(Decimal("0.5").scaleb(Decimal(printed).as_tuple().exponent))


def lines_of(text):
    """{left-hand side: result} of the indented calculation lines of a text worksheet."""
    out = {}
    for line in text.splitlines():
        if line.startswith("  ") and " = " in line:
            lhs = line.strip().split(" = ")[0]
            result = line.split(" = ")[-1].split("    (")[0]
            out[lhs] = float(result)
    return out


@pytest.fixture(scope="module")
def mazur_text():
    return worksheet(mazur(), INPUTS, TARGETS)


# -- the numbers -----------------------------------------------------------------------------------

@pytest.mark.parametrize("lhs,printed", sorted(MAZUR.items()))
def test_text_worksheet_reproduces_mazur(mazur_text, lhs, printed):
    value = lines_of(mazur_text)[lhs]
    one_unit = 2 if lhs == "dE_o2/dout_h1" else 1     # see tests/worked/test_mazur.py
    # nine significant digits shown: Mazur's ten-digit net_o1 = 1.105905967 as 1.10590597
    allowed = max(one_unit * tolerance(printed), tolerance(format(float(printed), ".9g")))
    assert abs(value - float(printed)) <= allowed, (lhs, value)


def test_the_error_after_the_update(mazur_text):
    """E_total+ from the published w1+..w8+ (b1 = 0.35, b2 = 0.60 unchanged), computed here."""
    expected, o1 = mazur_after_update()
    lines = lines_of(mazur_text)
    assert lines["E_total+"] == pytest.approx(expected, abs=2e-9)
    assert lines["out_o1+"] == pytest.approx(o1, abs=2e-9)
    assert "the total error goes from 0.298371109 to 0.291027774" in mazur_text


def test_mazurs_printed_error_after_the_update_is_the_updated_weights_rule():
    """Mazur prints E_total = 0.291027924 after the first update: the figure of
    hidden_deltas="updated_weights" (tests/worked/test_mazur.py), which the worksheet says."""
    text = worksheet(mazur(hidden_deltas="updated_weights"), INPUTS, TARGETS)
    assert abs(lines_of(text)["E_total+"] - 0.291027924) <= 5e-10
    assert "already updated ones" in " ".join(text.split())


def test_lines_come_in_the_order_of_the_hand_calculation(mazur_text):
    order = [line.strip().split(" = ")[0] for line in mazur_text.splitlines()
             if line.startswith("  ") and " = " in line]
    position = {lhs: k for k, lhs in enumerate(order)}
    chain = ["net_h1", "out_h1", "net_o1", "out_o2", "E_o1", "E_total", "dE_total/dout_o1",
             "delta_o1", "dE_total/dw5", "w5+", "w8+", "dE_o1/dout_h1", "dE_total/dout_h1",
             "delta_h1", "dE_total/dw1", "w1+", "w4+", "net_h1+", "out_o1+", "E_total+"]
    assert [position[name] for name in chain] == sorted(position[name] for name in chain)
    headings = ["Step 1: the forward pass", "Step 2: the total error",
                "Step 3: output layer: gradients and new weights",
                "Step 4: hidden layer: gradients and new weights",
                "Step 5: the error after the update"]
    at = [mazur_text.index(h) for h in headings]
    assert at == sorted(at)


def test_every_line_is_named_as_the_quantities_module_names_it():
    for net, x, t in [(mazur(), INPUTS, TARGETS), (seed002(), SEED002_INPUTS, SEED002_TARGETS)]:
        sheet = build(net, x, t)
        names = [c.name for kind, c in sheet.blocks if kind == "line"]
        known = set(quantities.names(net))
        assert set(names) <= known
        values = sheet.step.values
        for kind, line in sheet.blocks:
            if kind == "line":
                shown = float(line.text.split(" = ")[-1].split("    (")[0])
                assert shown == pytest.approx(values[line.name], rel=1e-8, abs=1e-300)


def test_the_network_is_not_changed():
    net = mazur()
    worksheet(net, INPUTS, TARGETS, format="html")
    assert net["w5"] == 0.4 and net["h1"].out is None


def test_default_is_mazurs_example(mazur_text):
    assert worksheet() == mazur_text


def test_digits():
    text = worksheet(digits=4)
    assert "  out_h1 = 1 / (1 + e^(-net_h1)) = 1 / (1 + e^(-0.3775)) = 0.5933" in text
    # four significant digits, exactly (issue 16: the integer part is not extra)
    assert "  net_o1 = " in text and text.count("= 1.106\n") == 1 and "1.1059" not in text


# -- languages -------------------------------------------------------------------------------------

def test_chinese_headings_and_prose_same_numbers(mazur_text):
    zh = worksheet(lang="zh")
    for heading in ("反向传播", "Step 1 前向传播", "Step 2 计算总误差", "隐含层---->输出层的权值更新",
                    "输入层---->隐含层的权值更新", "更新后的误差"):
        assert heading in zh
    assert lines_of(zh) == lines_of(mazur_text)
    assert "forward pass" not in zh


@pytest.mark.parametrize("options,message", [
    (dict(lang="fr"), "lang must be one of en, zh, got 'fr'"),
    (dict(format="pdf"), "format must be one of text, markdown, html, got 'pdf'"),
    (dict(digits=0), "digits must be an integer from 1 to 17, got 0"),
])
def test_bad_options(options, message):
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        worksheet(**options)


def test_a_network_needs_its_sample():
    with pytest.raises(ConfigurationError, match="needs the sample"):
        worksheet(mazur())


# -- restricting to chosen neurons -----------------------------------------------------------------

def test_neurons_restricts_the_lines():
    text = worksheet(neurons="h1,o1")
    lhs = set(lines_of(text))
    assert {"net_h1", "out_h1", "net_o1", "E_o1", "E_total", "delta_o1", "dE_total/dw5",
            "dE_total/dw6", "w5+", "dE_o1/dout_h1", "delta_h1", "dE_total/dw1", "w1+",
            "out_o1+", "E_total+"} <= lhs
    assert not {"net_h2", "out_o2", "delta_o2", "w7+", "dE_total/dw3", "w3+", "E_o2"} & lhs
    assert "Only the neurons h1, o1 are written out." in text


def test_unknown_neuron_names_the_neurons():
    with pytest.raises(UnknownNameError, match="no neuron is named 'h9'; the neurons are "
                                               "h1, h2, o1, o2"):
        worksheet(neurons=["h9"])


def test_a_large_network_with_and_without_restriction():
    net = NeuralNetwork([10, 6, 10], seed=4)
    x = [float(k == 3) for k in range(10)]
    full = worksheet(net, x, x)
    assert len(lines_of(full)) > 300
    small = worksheet(net, x, x, neurons=["h2", "o4"], format="html")
    root = ET.fromstring(small)
    rows = [e for e in root.iter("div") if "eq" in e.get("class", "").split()]
    # forward net, out of h2 and o4 (4); E_o4, E_total (2); o4: dE/dout, dout/dnet, delta,
    # 6 weight and 1 bias gradients (10), 7 updates; h2: 10 messages back, dE/dout, dout/dnet,
    # delta, 10 weight and 1 bias gradients (24), 11 updates; after: 4 + E_o4+, E_total+ (6)
    assert len(rows) == 4 + 2 + 10 + 7 + 24 + 11 + 6
    svg = next(root.iter(SVG + "svg"))
    edges = [g for g in svg.iter(SVG + "g") if "edge" in g.get("class", "").split()]
    assert len(edges) == 120                                   # every connection drawn...
    assert not [t for g in edges for t in g.iter(SVG + "text")    # ...without labels past 40
                if t.get("class") != "on-demand"]                  # (shown on hover only)
    assert sum("faded" in g.get("class") for g in edges) > 80  # the others faded


# -- every activation, loss and option writes ------------------------------------------------------

VARIANTS = [
    dict(),
    dict(activation="tanh", output_activation="identity", loss="squared_error"),
    dict(activation="relu", loss="mean_squared_error"),
    dict(activation="leaky_relu", output_activation="sigmoid", loss="binary_cross_entropy"),
    dict(activation="softplus", momentum=0.9, weight_decay=0.01),
    dict(bias="none"),
    dict(bias="shared"),
]


def variant(options):
    net = NeuralNetwork([3, 4, 2], seed=11, **options)
    return net, [0.5, -1.0, 2.0], [0.2, 0.7]


@pytest.mark.parametrize("options", VARIANTS)
def test_every_variant_writes_every_format(options):
    net, x, t = variant(options)
    text = worksheet(net, x, t)
    markdown = worksheet(net, x, t, format="markdown")
    html = worksheet(net, x, t, format="html")
    assert len(lines_of(text)) == sum(1 for _ in re.finditer(r"^\$\$ ", markdown, re.M))
    check_latex(markdown)
    ET.fromstring(html)


# -- Markdown: $$ ... $$ blocks of well-formed LaTeX -----------------------------------------------

def groups_balanced(latex):
    """Braces balance (ignoring \\{ and \\}); \\left/\\right and \\begin/\\end pair up and nest."""
    stack = []
    for token in re.findall(r"\\[{}]|\\left|\\right|\\begin\{\w+\}|\\end\{\w+\}|[{}]", latex):
        if token in ("{", r"\left") or token.startswith(r"\begin"):
            stack.append(token)
        elif token == "}":
            if not stack or stack.pop() != "{":
                return False
        elif token == r"\right":
            if not stack or stack.pop() != r"\left":
                return False
        elif token.startswith(r"\end"):
            if not stack or stack.pop() != token.replace(r"\end", r"\begin"):
                return False
    return not stack


def check_latex(markdown):
    blocks = re.findall(r"^\$\$ (.*) \$\$$", markdown, re.M)
    assert blocks
    assert markdown.count("$$") == 2 * len(blocks)       # every block opened and closed
    for latex in blocks:
        assert groups_balanced(latex), latex
        assert "$" not in latex.replace(r"\$", "")
        for match in re.finditer(r"\\frac", latex):       # \frac{...}{...}
            rest = latex[match.end():]
            assert re.match(r"\{", rest), latex
            depth, k = 0, 0
            for k, ch in enumerate(rest):
                depth += {"{": 1, "}": -1}.get(ch, 0)
                if depth == 0:
                    break
            assert rest[k + 1] == "{", latex
        for match in re.finditer(r"(?<!\\)[_^]", latex):  # a sub/superscript has an argument
            assert re.match(r"[{\w]", latex[match.end():]), latex
    for line in markdown.splitlines():
        if not line.startswith("$$"):
            assert (line.count("$") - line.count(r"\$")) % 2 == 0, line
            for inline in re.findall(r"\$([^$]+)\$", line):
                assert groups_balanced(inline), inline


def test_scanner_rejects_broken_latex():
    assert groups_balanced(r"\frac{a}{b} + \left(c\right)")
    assert not groups_balanced(r"\frac{a}{b")
    assert not groups_balanced(r"\left(a}")
    assert not groups_balanced(r"\begin{cases} a")


def test_markdown_uses_display_blocks_with_mazurs_numbers():
    markdown = worksheet(format="markdown")
    check_latex(markdown)
    assert "$$ \\mathrm{out}_{\\mathrm{h1}} = \\frac{1}{1 + {\\mathrm{e}}^{-\\mathrm{net}_" \
           "{\\mathrm{h1}}}} = \\frac{1}{1 + {\\mathrm{e}}^{-0.3775}} = 0.593269992 $$" in markdown
    assert re.search(r"^\$\$ \\frac\{\\partial E_\{\\mathrm\{total\}\}\}\{\\partial w_\{5\}\} = "
                     r".* = 0\.0821670406 \$\$$", markdown, re.M)
    assert "$$ w_{5}^{+} = w_{5} - \\eta \\cdot \\frac{\\partial E_{\\mathrm{total}}}" \
           "{\\partial w_{5}} = 0.4 - 0.5 \\cdot 0.0821670406 = 0.35891648 $$" in markdown
    assert markdown.startswith("# Backpropagation, one step by hand\n")
    check_latex(worksheet(format="markdown", lang="zh"))


def test_markdown_of_seed002_has_exponents_and_decay():
    markdown = worksheet(seed002(), SEED002_INPUTS, SEED002_TARGETS, format="markdown")
    check_latex(markdown)
    assert r"\times 10^{-" in markdown and r"\lambda \cdot w_{" in markdown


# -- HTML: one self-contained, well-formed file ----------------------------------------------------

@pytest.fixture(scope="module")
def mazur_html():
    return worksheet(format="html")


def test_html_is_well_formed_and_self_contained(mazur_html):
    root = ET.fromstring(mazur_html)
    assert root.tag == "html" and root.get("lang") == "en"
    assert mazur_html.startswith("<!DOCTYPE html>\n")
    assert not [e for e in root.iter() if e.get("src") or e.get("href")]
    assert not [e for e in root.iter("link")]
    urls = set(re.findall(r"https?://[^\s\"'<>]+", mazur_html))
    assert urls == {"http://www.w3.org/2000/svg"}           # the SVG namespace only
    assert "xmlns" not in mazur_html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert len(list(root.iter("style"))) == 1 and len(list(root.iter("script"))) == 1


def test_html_formulas_are_mathml(mazur_html):
    root = ET.fromstring(mazur_html)
    rows = [e for e in root.iter("div") if "eq" in e.get("class", "").split()]
    assert len(rows) == len(lines_of(worksheet()))
    by_name = {row.get("data-q"): row for row in rows}
    out_h1 = by_name["out_h1"]
    maths = list(out_h1.iter("math"))     # one per term, in a span per side (they wrap)
    assert maths and maths[0].get("alttext") == (
        "out_h1 = 1 / (1 + e^(-net_h1)) = 1 / (1 + e^(-0.3775)) = 0.593269992")
    assert any(mn.text == "0.593269992" for m in maths for mn in m.iter("mn"))
    assert list(by_name["dE/dw5"].iter("mfrac"))
    numbers = [mn.text for mn in by_name["w5+"].iter("mn")]
    assert numbers[-1] == "0.35891648"
    assert not list(root.iter(MXML + "math"))  # HTML parses <math> in the MathML namespace


def test_html_diagram_labels_every_connection(mazur_html):
    root = ET.fromstring(mazur_html)
    svg = next(root.iter(SVG + "svg"))
    edges = {g.get("data-w"): g for g in svg.iter(SVG + "g") if g.get("data-w")}
    assert sorted(edges, key=lambda w: int(w[1:])) == [f"w{k}" for k in range(1, 9)]
    labels = {g.get("data-w"): g.find(SVG + "text").text for g in edges.values()}
    assert labels["w5"] == "w5 = 0.4" and labels["w1"] == "w1 = 0.15"
    assert edges["w5"].find(SVG + "title").text == "w5: h1 \u2192 o1, 0.4 \u2192 w5+ = 0.35891648"
    neurons = {g.get("data-neuron") for g in svg.iter(SVG + "g") if g.get("data-neuron")}
    assert neurons == {"i1", "i2", "h1", "h2", "o1", "o2"}
    biases = [t.text for t in svg.iter(SVG + "text") if t.get("class") == "bias-label"]
    assert biases == ["b1 = 0.35", "b2 = 0.6"]


def test_each_weight_highlights_its_chain_rule_lines(mazur_html):
    root = ET.fromstring(mazur_html)
    rows = {e.get("data-q") for e in root.iter("div") if e.get("data-q")}
    edges = {g.get("data-w"): g.get("data-factors").split() for g in root.iter(SVG + "g")
             if g.get("data-w")}
    assert set(edges["w5"]) == {"dE/dw5", "w5+", "dE/dout_o1", "dout_o1/dnet_o1", "delta_o1",
                                "out_h1"}
    # dE/dw1 = dE/dout_h1 * dout_h1/dnet_h1 * dnet_h1/dw1, dE/dout_h1 = sum of delta_o * w_o
    assert set(edges["w1"]) == {"dE/dw1", "w1+", "dE/dout_h1", "dout_h1/dnet_h1", "delta_h1",
                                "dE_o1/dout_h1", "dE_o2/dout_h1", "delta_o1", "delta_o2"}
    for factors in edges.values():
        assert set(factors) <= rows


def test_html_in_chinese():
    html = worksheet(format="html", lang="zh")
    root = ET.fromstring(html)
    assert root.get("lang") == "zh-CN"
    assert "前向传播" in html and "计算总误差" in html


# -- bad arguments: a clear error naming the argument -------------------------------------------

def test_net_must_be_a_network():
    with pytest.raises(ConfigurationError) as info:
        worksheet(5, [0.05, 0.1], [0.01, 0.99])
    assert str(info.value) == "net must be a NeuralNetwork, got 5"
    with pytest.raises(ConfigurationError) as info:
        worksheet("net.json", [0.05, 0.1], [0.01, 0.99])
    assert str(info.value).splitlines() == [
        "net must be a NeuralNetwork, got 'net.json'",
        "to write out a saved network: worksheet(NeuralNetwork.load(path), ...)"]


@pytest.mark.parametrize("neurons,message", [
    (5, "neurons must be neuron names, a list like ['h1', 'o1'] or a str like 'h1,o1', got 5"),
    (["h1", 5], "neurons must be neuron names (str), got 5 in ['h1', 5]"),
])
def test_neurons_must_be_names(neurons, message):
    with pytest.raises(ConfigurationError) as info:
        worksheet(mazur(), [0.05, 0.1], [0.01, 0.99], neurons=neurons)
    assert str(info.value) == message


def test_a_fraction_is_a_number_and_bytes_are_refused():
    from fractions import Fraction
    from neurosim import InputError, ShapeError
    from neurosim.worked_examples import mazur
    sheet = worksheet(mazur(), [Fraction(1, 20), Fraction(1, 10)], [0.01, 0.99])
    assert "w5+ = w5 - eta*dE_total/dw5 = 0.4 - 0.5*0.0821670406 = 0.35891648" in sheet
    with pytest.raises((InputError, ShapeError), match="inputs"):
        worksheet(mazur(), b"ab", [0.01, 0.99])


@pytest.mark.parametrize("sizes", [[200, 200, 200], [2] * 502])
def test_a_network_too_large_to_write_out_is_refused_naming_the_limit(sizes):
    from neurosim import ConfigurationError, NeuralNetwork
    net = NeuralNetwork(sizes, seed=1)
    with pytest.raises(ConfigurationError, match="up to 10,000 connections and 500 layers"):
        worksheet(net, [0.1] * sizes[0], [0.5] * sizes[-1])


# -- issue 16 item 6: the text says each thing once, with every number ----------------------------

def _tanh_identity_mse():
    # w2 = -0.3 and a bias of -0.0: negative numbers after operators, a negative zero
    return NeuralNetwork.from_weights([[[0.1, -0.3]], [[0.5]]], biases=[[0.0], [-0.0]],
                                      activation=["tanh", "linear"], loss="mean_squared_error")


def test_no_side_repeats_itself_and_n_is_substituted():
    import math
    text = worksheet(_tanh_identity_mse(), [0.5, 1.0], [0.2])
    lines = [line.strip() for line in text.splitlines()]
    net_h1 = 0.1 * 0.5 - 0.3 * 1.0
    out_o1 = 0.5 * math.tanh(net_h1)
    assert "out_h1 = tanh(net_h1) = tanh(-0.25) = -0.244918662" in lines   # one pair of ( )
    assert "((" not in text
    assert "dout_o1/dnet_o1 = 1" in lines                  # was "= 1 = 1 = 1"
    assert f"out_o1 = net_o1 = {out_o1:.9g}" in lines       # was "= (-0.1224...) = -0.1224..."
    E = (0.2 - out_o1) ** 2 / 1
    assert f"E_total = E_o1 = {E:.9g}" in lines             # was "= E_o1 = 0.10398 = 0.10398"
    (e_o1,) = [line for line in lines if line.startswith("E_o1 = ")]
    assert e_o1 == f"E_o1 = (target_o1 - out_o1)^2 / n = (0.2 - ({out_o1:.9g}))^2 / 1 = {E:.9g}"
    assert not re.search(r"(?<![\w.])-0(?![.\d])", text), "a negative zero is written 0"


def test_digits_are_significant_digits_exactly():
    text = worksheet(digits=6)
    for line in text.splitlines():
        if line.startswith("  "):
            for number in re.findall(r"\d+\.\d+", line.split(" = ", 1)[1]):
                digits = number.replace(".", "").lstrip("0")
                assert len(digits) <= 6, (number, line)
    assert "  net_o1 = w5*out_h1 + w6*out_h2 + b2 = 0.4*0.59327 + 0.45*0.596884 + 0.6 = 1.10591" \
        in text


def test_the_worksheet_page_examples_run():
    """docs/topics/worksheet.rst: its >>> examples pass (until the Sphinx site runs them)."""
    import doctest
    import pathlib
    path = pathlib.Path(__file__).resolve().parents[2] / "docs" / "topics" / "worksheet.rst"
    if not path.exists():
        pytest.skip("the docs are not beside the tests here")
    result = doctest.testfile(str(path), module_relative=False, verbose=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted >= 8


def test_a_users_formula_the_parser_cannot_read_is_written_as_text():
    """An Activation(name, f, df, formula, derivative) of the user's may spell its formula any
    way: the line keeps it as words, names replaced, instead of failing (str(event) and the
    worksheet alike: they write one tree)."""
    import math
    from neurosim.activations import Activation
    mine = Activation("mine", math.tanh, lambda net, out: 1 - out * out, "np.tanh(net) [mine]",
                      "1 - out**2")
    net = NeuralNetwork.from_weights([[[0.1, -0.3]], [[0.5]]], biases=[[0.0], [0.0]],
                                     activation=[mine, "linear"])
    for format in ("text", "markdown", "html"):
        worksheet(net, [0.5, 1.0], [0.2], format=format)
    out_h1 = math.tanh(0.1 * 0.5 - 0.3)
    assert (f"  out_h1 = np.tanh(net_h1) [mine] = np.tanh((-0.25)) [mine] = {out_h1:.9g}"
            in worksheet(net, [0.5, 1.0], [0.2]).splitlines())
