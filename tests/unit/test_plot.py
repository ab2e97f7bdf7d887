"""neurosim.plot: each figure's content (titles, lines, points, labels), rendered with Agg.

Mazur's figures (Mazur 2015, "A Step by Step Backpropagation Example"): delta_o1 = 0.138498562
and dE/dw5 = 0.082167041 after the first backward pass, w5+ = 0.35891648.
"""

import sys

import pytest

matplotlib = pytest.importorskip("matplotlib", reason="neurosim.plot needs matplotlib "
                                                      "(pip install matplotlib)")

import reference  # noqa: E402
from neurosim import ConfigurationError, NeuralNetwork, NumericalError, ShapeError  # noqa: E402
from neurosim import plot  # noqa: E402
from neurosim.worked_examples import mazur  # noqa: E402

XOR = [([0.0, 0.0], [0.0]), ([0.0, 1.0], [1.0]), ([1.0, 0.0], [1.0]), ([1.0, 1.0], [0.0])]
ENCODER = [([float(j == k) for j in range(8)], [float(j == k) for j in range(8)])
           for k in range(8)]


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def lines(ax, prefix=None):
    return [line for line in ax.get_lines()
            if prefix is None or (line.get_gid() or "").startswith(prefix)]


# -- loss curve------------------------------------------------------------------------------------

def test_loss_curve_draws_training_and_test_error_per_sample():
    net = NeuralNetwork([2, 3, 1], seed=1, learning_rate=1.0)
    history = net.fit(XOR, epochs=20, seed=1, test_samples=XOR[:2])
    fig = plot.loss_curve(history)
    ax = fig.axes[0]
    assert ax.get_title() == "Loss curve"
    train, test = lines(ax)
    assert [line.get_label() for line in (train, test)] == ["training error", "test error"]
    assert list(train.get_xdata()) == list(range(21))
    assert train.get_ydata()[0] == history.initial_error / 4
    assert train.get_ydata()[-1] == history.errors[-1] / 4
    assert test.get_ydata()[-1] == history.test_errors[-1] / 2
    assert ax.get_yscale() == "log"
    accuracy_axis = fig.axes[1]
    assert [line.get_label() for line in lines(accuracy_axis)] == ["training accuracy",
                                                                   "test accuracy"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["training error", "test error", "training accuracy", "test accuracy"]


def test_loss_curve_without_test_set_or_accuracy_draws_one_line():
    samples = [([0.0, 0.0], [0.2]), ([1.0, 0.0], [0.4]), ([0.0, 1.0], [0.7])]
    history = NeuralNetwork([2, 2, 1], seed=1).fit(samples, epochs=5, seed=1)
    fig = plot.loss_curve(history, title="Regression", log=False)
    assert len(fig.axes) == 1 and len(lines(fig.axes[0])) == 1
    assert fig.axes[0].get_title() == "Regression" and fig.axes[0].get_yscale() == "linear"


@pytest.mark.parametrize("suffix,magic", [(".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_figures_save_as_png_and_svg(tmp_path, suffix, magic):
    history = NeuralNetwork([2, 2, 1], seed=1).fit(XOR, epochs=3, seed=1)
    path = tmp_path / f"loss{suffix}"
    fig = plot.loss_curve(history, path=path)
    assert path.read_bytes().startswith(magic)
    if suffix == ".svg":
        assert "Loss curve" in path.read_text("utf-8")
    assert fig.axes[0].get_title() == "Loss curve"


def test_an_unknown_image_suffix_is_refused(tmp_path):
    history = NeuralNetwork([2, 2, 1], seed=1).fit(XOR, epochs=1, seed=1)
    with pytest.raises(ConfigurationError, match=r"path must end in \.png, \.svg, \.pdf"):
        plot.loss_curve(history, path=tmp_path / "loss.jpeg")


@pytest.mark.parametrize("field, value, where", [
    ("test_errors", float("inf"), "test_errors[1]"),
    ("errors", float("nan"), "errors[1]"),
    ("initial_error", float("inf"), "initial_error"),
])
def test_a_non_finite_error_in_the_history_is_refused_not_left_out(field, value, where):
    # fit never records one (it raises NumericalError); a History built or edited by hand can.
    history = NeuralNetwork([2, 2, 1], seed=1).fit(XOR, epochs=2, seed=1, test_samples=XOR[:2])
    if field == "initial_error":
        history.initial_error = value
    else:
        getattr(history, field)[1] = value
    with pytest.raises(NumericalError) as info:
        plot.loss_curve(history)
    assert str(info.value) == (f"history.{where} is {value!r}, expected a finite number; "
                               "a loss curve cannot show it")


@pytest.mark.parametrize("history, shown", [
    (None, "NoneType None"),
    (5, "int 5"),
    ([0.3, 0.2], "list [0.3, 0.2]"),
])
def test_a_loss_curve_needs_a_history(history, shown):
    """loss_curve(None) used to end in AttributeError: 'NoneType' object has no attribute."""
    with pytest.raises(ConfigurationError) as info:
        plot.loss_curve(history)
    assert str(info.value) == f"history must be a History (what net.fit returns), got {shown}"


# -- network diagram-------------------------------------------------------------------------------

def test_mazur_diagram_has_every_neuron_connection_and_weight():
    fig = plot.network_diagram(mazur())
    ax = fig.axes[0]
    assert ax.get_title() == "2-2-2 network (sigmoid, half_squared_error)"
    connections = lines(ax, "connection")
    assert sorted(line.get_gid() for line in connections) == sorted(
        f"connection w{k}" for k in range(1, 9))
    assert len(lines(ax, "bias")) == 4  # b1 to h1, h2; b2 to o1, o2
    words = texts(fig)
    for name in ("i1", "i2", "h1", "h2", "o1", "o2"):
        assert name in words
    for label in ("w1=0.15", "w4=0.3", "w5=0.4", "w8=0.55", "b1=0.35", "b2=0.6"):
        assert label in words
    widths = {line.get_gid(): line.get_linewidth() for line in connections}
    assert max(widths, key=widths.get) == "connection w8"  # the largest weight, 0.55
    assert min(widths, key=widths.get) == "connection w1"  # the smallest, 0.15
    # Positive weights are drawn on the red side of the colour map.
    red, _, blue, _ = connections[0].get_color()
    assert red > blue


def test_diagram_after_a_step_shows_outs_deltas_and_gradients():
    net = mazur()
    net.train([0.05, 0.1], [0.01, 0.99])
    words = "\n".join(texts(plot.network_diagram(net, show_deltas=True)))
    assert "out=0.7514" in words            # out_o1 = 0.75136507 (forward pass of the step)
    assert "delta=0.1385" in words          # delta_o1 = 0.138498562
    assert "dE/dw5=0.08217" in words        # dE/dw5 = 0.082167041
    assert "w5+=0.3589" in words            # w5+ = 0.35891648: the new weight, named so
    assert "\nw5=" not in "\n" + words
    labels = {t.get_gid(): t.get_text() for t in plot.network_diagram(net).axes[0].texts}
    assert labels["side i1"] == "0.05" and labels["side i2"] == "0.1"   # beside the inputs
    # The title says which values are of which weights.
    fig = plot.network_diagram(net, show_deltas=True)
    assert "weights after the update (w+)" in fig.axes[0].get_title()
    net.feed_forward([0.05, 0.1])        # a new pass: the partials no longer mix two states
    assert "w5=0.3589" in "\n".join(texts(plot.network_diagram(net)))


def test_diagram_without_deltas_hides_them_and_large_nets_drop_weight_labels():
    net = mazur()
    net.train([0.05, 0.1], [0.01, 0.99])
    assert not any("delta=" in t for t in texts(plot.network_diagram(net)))
    big = NeuralNetwork([8, 8, 1], seed=1)
    fig = plot.network_diagram(big)
    assert len(lines(fig.axes[0], "connection")) == 72
    assert not any(t.startswith("w1=") for t in texts(fig))
    assert any(t.startswith("b_h1=") for t in texts(fig))  # per-neuron biases under neurons


def display_geometry(fig):
    """Every text's box and every line's segments in display coordinates, by Agg's renderer."""
    renderer = fig.canvas.get_renderer() if hasattr(fig.canvas, "get_renderer") else None
    if renderer is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        renderer = FigureCanvasAgg(fig).get_renderer()
    ax = fig.axes[0]
    boxes = [(t.get_window_extent(renderer), t.get_text()) for t in ax.texts]
    segments = []
    for line in ax.get_lines():
        points = ax.transData.transform(list(zip(line.get_xdata(), line.get_ydata())))
        segments += [(tuple(points[k]), tuple(points[k + 1])) for k in range(len(points) - 1)]
    return boxes, segments


def unreadable(fig):
    from geometry import line_hits_box
    boxes, segments = display_geometry(fig)
    problems = []
    for k, (a, text) in enumerate(boxes):
        for b, other in boxes[k + 1:]:
            if a.overlaps(b):
                problems.append(f"{text!r} overlaps {other!r}")
        for p, q in segments:
            if line_hits_box(p, q, (a.x0, a.y0, a.x1, a.y1)):
                problems.append(f"a line crosses {text!r}")
    return problems


def misattributed(fig):
    """Weight labels nearer (centre, in display coordinates) to another connection's line."""
    from geometry import distance_to_segment
    ax = fig.axes[0]
    renderer = _renderer(fig)
    lines = {line.get_gid().split()[1]: ax.transData.transform(
        list(zip(line.get_xdata(), line.get_ydata()))) for line in ax.get_lines()
        if (line.get_gid() or "").startswith("connection ")}
    wrong = []
    for text in ax.texts:
        if (text.get_gid() or "").startswith("weight "):
            name = text.get_gid().split()[1]
            box = text.get_window_extent(renderer)
            centre = ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)
            mine = distance_to_segment(centre, *lines[name])
            wrong += [f"{name} nearer to {other}" for other, points in lines.items()
                      if other != name and distance_to_segment(centre, *points) < mine]
    return wrong


@pytest.mark.parametrize("case", ["mazur", "mazur after a step", "seed002", "2-4-4-2 shared",
                                  "4-8-8-3"])
def test_network_diagram_is_readable(case):
    """No two texts overlap and no line crosses a text, in the renderer's own boxes."""
    from neurosim.worked_examples import seed002
    if case.startswith("mazur"):
        net = mazur()
        if case.endswith("step"):
            net.train([0.05, 0.1], [0.01, 0.99])
    elif case == "seed002":
        net = seed002()
    elif case == "2-4-4-2 shared":
        net = NeuralNetwork([2, 4, 4, 2], seed=3, bias="shared")
    else:
        net = NeuralNetwork([4, 8, 8, 3], seed=1)
    fig = plot.network_diagram(net, show_deltas=case.endswith("step"))
    assert unreadable(fig) == []
    assert misattributed(fig) == []
    written = [t for t in texts(fig) if t.split("=")[0].rstrip("+") in
               {w for n in net.neurons for w in n.weight_names}]
    connections = sum(len(n.weights) for n in net.neurons)
    if connections <= 40:
        assert len(written) == connections
    else:
        assert written == [] and "weights not written" in fig.axes[0].get_title()


def test_the_readability_check_can_fail():
    fig = plot.network_diagram(mazur())
    ax = fig.axes[0]
    x, y = ax.lines[0].get_xdata(), ax.lines[0].get_ydata()
    ax.text((x[0] + x[1]) / 2, (y[0] + y[1]) / 2, "on the line", ha="center", va="center")
    assert any("crosses 'on the line'" in p for p in unreadable(fig))


# -- decision boundary-----------------------------------------------------------------------------

def test_decision_boundary_plots_every_sample_and_the_accuracy():
    net = NeuralNetwork.from_weights([[[1.0, 1.0]]], [-1.5])  # AND as one sigmoid neuron
    samples = XOR
    # out > 0.5 iff x1 + x2 > 1.5: only (1, 1) is class 1. Against the XOR targets:
    # (0,0) -> 0 right, (0,1) -> 1 wrong, (1,0) -> 1 wrong, (1,1) -> 0 wrong: accuracy 1/4.
    fig = plot.decision_boundary(net, samples, resolution=20)
    ax = fig.axes[0]
    assert ax.get_title() == "Decision boundary (accuracy 0.250 on 4 samples)"
    points = [c for c in ax.collections if hasattr(c, "get_offsets") and
              c.get_label() in ("class 0", "class 1")]
    assert sorted(len(c.get_offsets()) for c in points) == [2, 2]
    assert sum(len(c.get_offsets()) for c in points) == len(samples)
    assert [net["o1"].out] == [None]  # plotting computed nothing on the neurons


def test_decision_boundary_names_classes_of_a_dataset():
    datasets = pytest.importorskip("neurosim.datasets", reason="neurosim.datasets not present")
    data = datasets.gaussians(40, seed=1)
    net = NeuralNetwork([2, 1], seed=1)
    ax = plot.decision_boundary(net, data, resolution=10).axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["negative", "positive"]


def test_decision_boundary_of_one_hot_targets_uses_argmax():
    net = NeuralNetwork([2, 3], seed=1)
    samples = [([0.0, 0.0], [1.0, 0.0, 0.0]), ([1.0, 0.0], [0.0, 1.0, 0.0]),
               ([0.0, 1.0], [0.0, 0.0, 1.0])]
    ax = plot.decision_boundary(net, samples, resolution=10).axes[0]
    assert sum(len(c.get_offsets()) for c in ax.collections
               if c.get_label().startswith("class")) == 3


def test_decision_boundary_of_a_softmax_output_layer():
    """A softmax output reads every net input of its layer: the plot once evaluated it neuron by
    neuron and failed. Its argmax is the argmax of the net inputs W x + b (softmax keeps the
    order), worked out here by hand."""
    weights, biases = [[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]], [0.0, 0.0, 0.5]
    net = NeuralNetwork.from_weights([weights], [biases], output_activation="softmax",
                                     loss="cross_entropy")
    samples = [([2.0, 0.0], [1.0, 0.0, 0.0]), ([0.0, 2.0], [0.0, 1.0, 0.0]),
               ([-1.0, -1.0], [0.0, 0.0, 1.0]), ([1.0, 3.0], [1.0, 0.0, 0.0])]
    nets = [[sum(w * v for w, v in zip(row, x)) + b for row, b in zip(weights, biases)]
            for x, _ in samples]
    right = sum(n.index(max(n)) == t.index(1.0) for n, (_, t) in zip(nets, samples))
    assert right == 3                                  # (1, 3) is class 1 by its net inputs
    ax = plot.decision_boundary(net, samples, resolution=10).axes[0]
    assert ax.get_title() == "Decision boundary (accuracy 0.750 on 4 samples)"


def test_decision_boundary_needs_two_inputs_and_classes():
    with pytest.raises(ShapeError, match="2 inputs, got 3"):
        plot.decision_boundary(NeuralNetwork([3, 1], seed=1), [([0, 0, 0], [1])])
    with pytest.raises(ConfigurationError, match="classification targets"):
        plot.decision_boundary(NeuralNetwork([2, 1], seed=1),
                               [([0, 0], [0.1]), ([1, 0], [0.2]), ([0, 1], [0.3])])


# -- hidden activations----------------------------------------------------------------------------

def test_hidden_activations_table_holds_the_hidden_outputs():
    net = NeuralNetwork([8, 3, 8], seed=2)
    fig = plot.hidden_activations(net, ENCODER)
    ax = fig.axes[0]
    assert ax.get_title() == "Hidden activations, layer 1 (h1 h2 h3)"
    image = ax.get_images()[0].get_array()
    assert image.shape == (8, 3)
    weights = [[list(n.weights) for n in layer.neurons] for layer in net.layers]
    biases = [[n.bias for n in layer.neurons] for layer in net.layers]
    for r, (x, _) in enumerate(ENCODER):
        _, outs = reference.forward(weights, biases, x)
        assert list(image[r]) == pytest.approx(outs[0], rel=1e-12)
    assert len(ax.texts) == 24
    assert [t.get_text() for t in ax.get_yticklabels()][:2] == ["10000000", "01000000"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["h1", "h2", "h3"]


def test_hidden_activations_of_the_second_hidden_layer_and_bad_layers():
    net = NeuralNetwork([2, 3, 2, 1], seed=1)
    fig = plot.hidden_activations(net, XOR, layer=2)
    assert fig.axes[0].get_images()[0].get_array().shape == (4, 2)
    with pytest.raises(ConfigurationError, match="1 to 2, got 3"):
        plot.hidden_activations(net, XOR, layer=3)
    with pytest.raises(ConfigurationError, match="hidden layer"):
        plot.hidden_activations(NeuralNetwork([2, 1], seed=1), XOR)


# -- without matplotlib----------------------------------------------------------------------------

def test_without_matplotlib_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    history = NeuralNetwork([2, 2, 1], seed=1).fit(XOR, epochs=1, seed=1)
    with pytest.raises(ImportError, match=r"pip install matplotlib"):
        plot.loss_curve(history)


def test_importing_neurosim_plot_does_not_import_matplotlib():
    import subprocess
    code = "import sys, neurosim.plot; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- nothing hidden under a legend (issue 16, item 3) ---------------------------------------------

def _renderer(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    return FigureCanvasAgg(fig).get_renderer()


def test_the_decision_boundary_legend_hides_no_sample_and_the_dots_are_big():
    from neurosim.datasets import xor
    net = NeuralNetwork.from_weights([[[1.0, 1.0]]], [-1.5])
    fig = plot.decision_boundary(net, xor(), resolution=10)
    ax = fig.axes[0]
    renderer = _renderer(fig)
    legend = ax.get_legend().get_window_extent(renderer)
    dots = [c for c in ax.collections if c.get_label() in ("0", "1")]
    points = [p for c in dots for p in ax.transData.transform(c.get_offsets())]
    assert len(points) == 4
    assert not any(legend.contains(x, y) for x, y in points)      # (1, 1) among them
    assert not legend.overlaps(ax.get_window_extent(renderer))    # below the plot altogether
    assert all(size >= 50 for c in dots for size in c.get_sizes())  # was 18


def test_loss_curve_smooths_the_accuracy_and_its_legend_covers_no_curve():
    net = NeuralNetwork([2, 3, 1], seed=1, learning_rate=2.0)
    history = net.fit(XOR, epochs=400, seed=1)
    fig = plot.loss_curve(history)
    ax, ax2 = fig.axes
    acc = [history.initial_accuracy] + list(history.accuracies)
    raw, = [line for line in ax2.get_lines() if line.get_gid() == "training accuracy, per epoch"]
    assert list(raw.get_ydata()) == acc and raw.get_alpha() < 0.5        # faint, every epoch
    smooth, = [line for line in ax2.get_lines() if line.get_gid() is None]
    window = len(acc) // 50
    assert smooth.get_label() == f"training accuracy (mean of {window} epochs)"
    expected = [sum(acc[max(0, k - window + 1):k + 1]) / len(acc[max(0, k - window + 1):k + 1])
                for k in range(len(acc))]
    assert list(smooth.get_ydata()) == pytest.approx(expected, rel=1e-12)
    # the block of zig-zags is gone: the drawn curve goes up and down far less in total
    def variation(ys):
        return sum(abs(b - a) for a, b in zip(ys, ys[1:]))
    assert variation(list(smooth.get_ydata())) < variation(acc) / 3
    renderer = _renderer(fig)
    legend = ax.get_legend().get_window_extent(renderer)
    assert not legend.overlaps(ax.get_window_extent(renderer))
    top = ax2.transData.transform([(0, 1.0)])[0][1]          # the accuracy = 1 line
    assert not legend.y0 <= top <= legend.y1


# -- without matplotlib: every plot says what to install (issue 16, item 4) ---------------------

BLOCKED = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ModuleNotFoundError(f"No module named {name!r}")
sys.meta_path.insert(0, Block())
from neurosim import NeuralNetwork, plot
from neurosim.worked_examples import mazur
net = NeuralNetwork([2, 2, 1], seed=1)
xor = [([0.0, 0.0], [0.0]), ([0.0, 1.0], [1.0]), ([1.0, 0.0], [1.0]), ([1.0, 1.0], [0.0])]
calls = {"network_diagram": lambda: plot.network_diagram(mazur()),
         "loss_curve": lambda: plot.loss_curve(net.fit(xor, epochs=1, seed=1)),
         "decision_boundary": lambda: plot.decision_boundary(net, xor, resolution=3),
         "hidden_activations": lambda: plot.hidden_activations(net, xor)}
for name, call in calls.items():
    try:
        call()
    except ImportError as error:
        print(name, type(error).__name__, error)
"""


def test_every_plot_without_matplotlib_says_how_to_install_it():
    import subprocess
    done = subprocess.run([sys.executable, "-c", BLOCKED], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    message = "neurosim.plot needs matplotlib; install it with pip install matplotlib"
    assert lines == [f"{name} ImportError {message}" for name in
                     ("network_diagram", "loss_curve", "decision_boundary",
                      "hidden_activations")]
