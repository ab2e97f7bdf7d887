"""The worksheet's matrix form (issue 14): z = W x + b, δ_o = ∂E/∂out ⊙ f'(z_o),
δ_h = (W_oᵀ δ_o) ⊙ f'(z_h), ∂E/∂W = δ xᵀ, W+ = W − η ∂E/∂W, beside the neuron lines.

Expected values come from tests/reference.py, an independent matrix engine written from the
equations, and must also equal the neuron-by-neuron values of the same step exactly (the matrix
lines regroup the step's own numbers; nothing is recomputed).
"""

import pytest

import reference
from neurosim import NeuralNetwork
from neurosim.formula import Matrix, Row
from neurosim.render.worksheet import build, worksheet
from neurosim.worked_examples import (MAZUR_INPUTS, MAZUR_TARGETS, SEED002_INPUTS,
                                      SEED002_TARGETS, mazur, seed002)


def last_matrix(tree):
    """The result of a matrix line: the matrix after its last '='."""
    items = tree.items if isinstance(tree, Row) else (tree,)
    return [[float(e.text) for e in row] for row in items[-1].rows]


def message_of(tree):
    """δ_h = (W_oᵀ δ_o) ⊙ f'(z_h) = (numbers) ⊙ [f'] = [message] ⊙ [f'] = [δ_h]: the message."""
    sides = [item for item in tree.items if item != "="]
    first = sides[3].items[0]
    assert isinstance(first, Matrix) and sides[3].items[1] == "⊙"
    return [[float(e.text) for e in row] for row in first.rows]


def flat(rows):
    return [v for row in rows for v in row]


def reference_step(net, x, t):
    weights = [[list(n.weights) for n in layer.neurons] for layer in net.layers]
    biases = [layer.neurons[0].bias if layer.bias_mode == "shared"
              else [n.bias for n in layer.neurons] for layer in net.layers]
    acts = [layer.activation.name for layer in net.layers]
    return reference.step(weights, biases, x, t, activation=acts[0], output_activation=acts[-1],
                          loss=net.loss.name, learning_rate=net.learning_rate,
                          bias=net.layers[0].bias_mode, train_biases=net.train_biases,
                          weight_decay=net.weight_decay, hidden_deltas=net.hidden_deltas)


NETWORKS = {
    "mazur": (mazur, MAZUR_INPUTS, MAZUR_TARGETS),
    # 2-3-2-1, per-neuron biases, weight decay 1 (seed 002): three layers, labels 1, 2, 3
    "seed002": (seed002, SEED002_INPUTS, SEED002_TARGETS),
    "tanh-identity-updated": (
        lambda: NeuralNetwork.from_weights(
            [[[0.3, -0.2, 0.1], [0.05, 0.4, -0.6]], [[0.7, -0.5]]], biases=[[0.1, -0.2], [0.3]],
            activation=["tanh", "identity"], loss="mean_squared_error", learning_rate=0.25,
            hidden_deltas="updated_weights"),
        [0.5, -1.0, 2.0], [0.25]),
}


@pytest.mark.parametrize("example", sorted(NETWORKS))
def test_every_matrix_equals_the_reference_and_the_neuron_lines(example):
    make, x, t = NETWORKS[example]
    net = make()
    ref = reference_step(net, x, t)
    sheet = build(net, x, t, digits=17, matrix=True)
    lines = {b[1].name: b[1].formula for b in sheet.blocks
             if b[0] == "line" and b[1].name.startswith("matrix ")}
    labels = ["h", "o"] if len(net.layers) == 2 else [str(k + 1) for k in range(len(net.layers))]
    assert len(lines) == 5 * len(net.layers)
    values = sheet.step.values
    for k, (layer, label) in enumerate(zip(net.layers, labels)):
        names = [n.name for n in layer.neurons]
        expected = {
            "z": [[z] for z in ref.z[k]], "out": [[a] for a in ref.a[k]],
            "delta": [[d] for d in ref.delta[k]], "dE/dW": ref.grad_W[k], "W+": ref.new_W[k]}
        mine = {"z": [[values[f"net_{n}"]] for n in names],
                "out": [[values[f"out_{n}"]] for n in names],
                "delta": [[values[f"delta_{n}"]] for n in names],
                "dE/dW": [[values[f"dE/d{w}"] for w in n.weight_names] for n in layer.neurons],
                "W+": [[values[f"{w}+"] for w in n.weight_names] for n in layer.neurons]}
        for what, want in expected.items():
            got = last_matrix(lines[f"matrix {what}_{label}"])
            assert got == mine[what], (what, label)        # the step's own numbers, exactly
            assert flat(got) == pytest.approx(flat(want), rel=1e-12, abs=1e-15), (what, label)
        # the message back into a hidden layer: (W_above^T delta_above), a side of its own
        if k < len(net.layers) - 1:
            message = message_of(lines[f"matrix delta_{label}"])
            assert flat(message) == pytest.approx(ref.dE_da[k], rel=1e-12, abs=1e-15)
            assert message == [[values[f"dE/dout_{n}"]] for n in names]
            # ... from the layer above's weights (updated ones under the book's rule) and deltas
            sides = [item for item in lines[f"matrix delta_{label}"].items if item != "="]
            product = sides[2].items[0].inner          # (W^T delta)
            W, delta = product.left.base, product.right
            above = net.layers[k + 1]
            used = (ref.new_W[k + 1] if net.hidden_deltas == "updated_weights" else
                    [list(n.weights) for n in above.neurons])
            assert flat([[float(e.text) for e in row] for row in W.rows]) == pytest.approx(
                flat(used), rel=1e-15)
            assert [float(e.text) for (e,) in delta.rows] == pytest.approx(ref.delta[k + 1],
                                                                          rel=1e-12)


def test_the_matrix_lines_in_text_markdown_html_en_and_zh():
    text = worksheet(matrix=True)
    assert ("  z_h = W_h x + b_h = [[0.15, 0.2], [0.25, 0.3]] [0.05, 0.1] + [0.35, 0.35] = "
            "[0.3775, 0.3925]") in text.splitlines()
    assert "  delta_h = (W_o^T delta_o) ⊙ f'(z_h) = " in text
    assert "  dE_total/dW_o = delta_o out_h^T = " in text
    assert ("  W_o+ = W_o - eta dE_total/dW_o = [[0.4, 0.45], [0.5, 0.55]] - 0.5 ") in text
    assert text.count("the same layer in matrix form") == 4      # 2 forward, 2 backward
    # Mazur's published w5+..w8+ as the output layer's new matrix
    assert text.rstrip().count("= [[0.35891648, 0.408666186], [0.51130127, 0.561370121]]") == 1
    plain = worksheet()
    assert "matrix" not in plain and "⊙" not in plain
    zh = worksheet(matrix=True, lang="zh")
    assert "矩阵形式" in zh and [l for l in zh.splitlines() if l.startswith("  ")] == \
        [l for l in text.splitlines() if l.startswith("  ")]
    markdown = worksheet(matrix=True, format="markdown")
    assert r"\begin{bmatrix} 0.15 & 0.2 \\ 0.25 & 0.3 \end{bmatrix}" in markdown
    assert r"\odot" in markdown
    html = worksheet(matrix=True, format="html")
    assert html.count("<mtable>") >= 20 and 'data-q="matrix W+_o"' in html


def test_momentum_has_no_matrix_update_and_the_cli_option(capsys):
    from neurosim.cli import main
    net = mazur()
    net.momentum = 0.9
    text = worksheet(net, MAZUR_INPUTS, MAZUR_TARGETS, matrix=True)
    assert "dE_total/dW_o = " in text and "W_o+ =" not in text
    assert main(["worksheet", "--matrix"]) == 0
    assert "  z_o = W_o out_h + b_o = " in capsys.readouterr().out
