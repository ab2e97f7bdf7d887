"""Pictures of a network and its training, drawn with matplotlib (the ``demo`` extra).

Four plots, each returning the matplotlib :class:`~matplotlib.figure.Figure` and, with
``path=``, saving it as PNG or SVG (by the file's suffix):

:func:`loss_curve`          the error per epoch of a :class:`~neurosim.training.History`,
                            training and test, with the accuracy when there is one
:func:`network_diagram`     the network as the blog's figure draws it: neurons with their names
                            and outputs, connections with their names and weights (line width
                            and colour by weight), optionally the deltas and gradients of a step
:func:`decision_boundary`   a 2-D classifier's regions over its data points
:func:`hidden_activations`  the outputs of one hidden layer for every sample, as a heatmap with
                            the values written in (the 8-3-8 encoder's learned code)

matplotlib is imported only when a plot is drawn (``pip install matplotlib``). The
figures are built as plain :class:`~matplotlib.figure.Figure` objects, not through pyplot, so
no window opens and no display is needed (saving uses the Agg renderer); in Jupyter, enable
``%matplotlib inline`` and the returned figure shows as the cell's value.

Plotting never changes the network: outputs are computed from the weights, not stored.
"""

import copy
import math
import os
from functools import partial
from itertools import repeat
from statistics import fmean

from .errors import ConfigurationError, NumericalError, ShapeError
from .numbers import num

__all__ = ["loss_curve", "network_diagram", "decision_boundary", "hidden_activations"]

IMAGE_FORMATS = (".png", ".svg", ".pdf")


def _figure(**options):
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("neurosim.plot needs matplotlib; install it with "
                          "pip install matplotlib") from None
    return Figure(**options)


def _finish(fig, path):
    if path is not None:
        suffix = os.path.splitext(os.fspath(path))[1].lower()
        if suffix not in IMAGE_FORMATS:
            raise ConfigurationError(f"path must end in {', '.join(IMAGE_FORMATS)} to choose the "
                                     f"image format, got {os.fspath(path)!r}")
        fig.savefig(path, bbox_inches="tight", dpi=120)
    return fig


# -- loss curve ----------------------------------------------------------------------------------

def loss_curve(history, *, path=None, log=None, title="Loss curve"):
    """Plot the training (and test) error per epoch of a :class:`~neurosim.training.History`.

    The curves show the **mean error per sample** (the recorded total error divided by the
    number of samples), so training and test sets of different sizes compare; epoch 0 is
    the error before training. The accuracy, when recorded, goes on a second axis.
    ``log`` puts the error on a log scale (default: when every error is positive).
    A NaN or an infinity in the history raises NumericalError naming it (a curve would
    silently leave it out).
    """
    from .validation import check_type
    from .training import History
    check_type("history", history, History, "a History (what net.fit returns)")
    for field in ("initial_error", "errors", "initial_test_error", "test_errors"):
        values = getattr(history, field)
        for where, value in ([(f"[{k}]", v) for k, v in enumerate(values)]
                             if isinstance(values, list) else [("", values)]):
            if value is not None and not math.isfinite(value):
                raise NumericalError(f"history.{field}{where} is {value!r}, "
                                     "expected a finite number; a loss curve cannot show it")
    fig = _figure(figsize=(6.4, 4.2))
    ax = fig.add_subplot()
    curves = [_with_initial(history.initial_error, history.errors, history.n_samples)]
    if history.test_errors:
        curves.append(_with_initial(history.initial_test_error, history.test_errors,
                                    history.n_test_samples))
    epochs = list(range(len(curves[0])))
    for curve, label, colour in zip(curves, ("training error", "test error"),
                                    ("tab:blue", "tab:orange")):
        ax.plot(epochs[:len(curve)], curve, label=label, color=colour)
    if all(v > 0 for curve in curves for v in curve) if log is None else log:
        ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel="mean error per sample", title=title)
    if history.accuracies:
        # The accuracy of a small data set jumps between a few values from epoch to epoch (XOR:
        # 0.5, 0.75, 0.5, ...): the raw curve is drawn faint and its running mean over
        # `window` epochs on top, so the trend reads and nothing is hidden.
        ax2 = ax.twinx()
        series = [("training accuracy", "tab:green", history.initial_accuracy,
                   history.accuracies)]
        if history.test_accuracies:
            series.append(("test accuracy", "tab:red", history.initial_test_accuracy,
                           history.test_accuracies))
        window = max(1, len(_with_initial(history.initial_accuracy, history.accuracies, 1)) // 50)
        for label, colour, initial, values in series:
            values = _with_initial(initial, values, 1)
            if window > 1:
                ax2.plot(epochs[:len(values)], values, color=colour, linewidth=0.8, alpha=0.3,
                         gid=f"{label}, per epoch")
                label += f" (mean of {window} epochs)"
            # the running mean: each value and the window - 1 before it (fewer at the start)
            ax2.plot(epochs[:len(values)], [fmean(values[max(0, k + 1 - window):k + 1])
                                            for k in range(len(values))],
                     color=colour, linestyle="--", label=label)
        ax2.set(ylim=(-0.02, 1.02), ylabel="accuracy")
    # One legend for both axes, below them, never over a curve (the accuracy = 1 line runs
    # along the top).
    handles, labels = (sum(part, []) for part in zip(*(a.get_legend_handles_labels()
                                                      for a in fig.axes)))
    ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.14),
              ncol=2, fontsize=8, frameon=False)
    fig.subplots_adjust(bottom=0.28)
    return _finish(fig, path)


def _with_initial(initial, values, n):
    return [v / max(n, 1) for v in ([initial] if initial is not None else []) + list(values)]


# -- network diagram -----------------------------------------------------------------------------

def network_diagram(net, *, show_deltas=False, path=None, digits=4, weight_labels=None,
                    title=None):
    """Draw the network as Mazur's figure does, with the current weights.

    Every neuron is a circle with its name and, after a forward pass, its ``out``; every
    connection is a line labelled with its weight's name and value, thicker for a larger
    ``|w|`` and coloured by sign and size (blue negative, red positive). A shared bias is a
    square node (``b1``) joined to its layer; a per-neuron bias is written by its neuron.
    ``show_deltas=True`` adds each neuron's ``delta`` and each weight's ``dE/dw`` from the
    last backward pass (after ``net.train``). ``weight_labels`` (default: when there are at
    most 40 connections) writes the weight labels; without them the title says so.

    Everything sits where :func:`neurosim.render.layout.layout` puts it, the layout of the
    worksheet's SVG: no label overlaps another and no line crosses a label (a weight's label
    sits beside its line). One layout unit is drawn as half a point.
    """
    from .render.layout import MOST_LABELLED, layout
    fig = _figure()                                    # first: without matplotlib, what to install
    g = partial(num, digits=digits)

    def lines(*rows):
        """The rows ``(name, value, shown)`` shown, as ``name=value`` lines."""
        return "\n".join(f"{name}={g(value)}" for name, value, shown in rows if shown)
    # After a training step the weights are the new ones (w5+), while out, delta and dE/dw are
    # of the weights before the update: say which.
    edge_texts = {w: lines((w + ("+" if net.weights_updated and g_w is not None else ""), v, True),
                           (f"dE/d{w}", g_w, g_w is not None))
                  for n in net.neurons for w, v, g_w in zip(
                      n.weight_names, n.weights,
                      n.dE_dw if show_deltas and n.dE_dw is not None else repeat(None))}
    notes = {n.name: lines(("out", n.out, n.out is not None),
                           ("delta", n.delta, show_deltas and n.delta is not None),
                           (n.bias_name, n.bias, layer.bias_mode == "per_neuron"))
             for layer in net.layers for n in layer.neurons}
    bias_texts = {layer.bias_name: lines((layer.bias_name, layer.neurons[0].bias, True),
                                         (f"dE/d{layer.bias_name}", layer.dE_db,
                                          show_deltas and layer.dE_db is not None))
                  for layer in net.layers if layer.bias_mode == "shared"}
    plan = layout(net, edge_texts=edge_texts,
                  notes={name: text for name, text in notes.items() if text},
                  sides=dict(zip(net.input_names, map(g, net.layers[0].neurons[0].inputs or ()))), bias_texts=bias_texts,
                  font=18, most=MOST_LABELLED if weight_labels is None else
                  math.inf if weight_labels else -1)

    if title is None:
        acts = ", ".join(sorted({layer.activation.name for layer in net.layers}))
        title = (f"{'-'.join(map(str, net.layer_sizes))} network ({acts}, {net.loss.name})"
                 + ("\nweights after the update (w+); out, delta and dE/dw from the step "
                    "before it" if show_deltas and net.weights_updated else "")
                 + ("" if plan.labelled else f"\n{plan.connections} connections: weights not "
                    "written on the lines (colour and width show them)"))
    band = 40 * (title.count("\n") + 1) + 20           # the title's height, layout units
    points = _UNIT / 72                                  # inches per layout unit
    fig.set_size_inches(plan.width * points, (plan.height + band) * points)
    ax = fig.add_axes((0, 0, 1, plan.height / (plan.height + band)))
    ax.set(xlim=(0, plan.width), ylim=(plan.height, 0))   # y downwards, as the layout's
    ax.axis("off")
    ax.set_title(title, fontsize=22 * _UNIT, pad=4)
    from matplotlib import colormaps
    from matplotlib.colors import Normalize
    from matplotlib.patches import Circle, FancyBboxPatch

    weights = {w: v for n in net.neurons for w, v in zip(n.weight_names, n.weights)}
    biggest = max((abs(w) for w in weights.values()), default=0.0) or 1.0
    norm, cmap = Normalize(-biggest, biggest), colormaps["coolwarm"]
    for edge in plan.edges:
        w = weights[edge.name]
        ax.plot(*zip(edge.start, edge.end), color=cmap(norm(w)),
                linewidth=0.6 + 3.4 * abs(w) / biggest, zorder=1, gid=f"connection {edge.name}",
                solid_capstyle="butt")
    for bias in plan.biases:
        b = bias.box
        ax.add_patch(FancyBboxPatch((b.x0, b.y0), b.x1 - b.x0, b.y1 - b.y0,
                                    boxstyle="round,pad=0,rounding_size=6", fc="#f5f5f5",
                                    ec="black", zorder=2))
        ax.text((b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2, bias_texts[bias.name], ha="center",
                va="center", fontsize=plan.font * _UNIT, zorder=4, gid=f"bias label {bias.name}")
        for segment in bias.segments:
            ax.plot(*zip(*segment), color="grey", linewidth=0.8, linestyle=":", zorder=1,
                    gid=f"bias {bias.name}")
    colours = {"input": "#e8e8e8", "hidden": "#dae8fc", "output": "#fff2cc"}
    for k, names in enumerate(plan.columns):
        for name in names:
            ax.add_patch(Circle(plan.centres[name], plan.radius, fc=colours[plan.kinds[k]],
                                ec="black", zorder=2))
            ax.text(*plan.centres[name], name, ha="center", va="center",
                    fontsize=(plan.font + 1) * _UNIT, zorder=4,
                    fontweight="bold" if k else "normal", gid=f"neuron {name}")
    for label in plan.labels:
        ax.text(label.x, label.y, label.text, ha="center", va="center", linespacing=1.2,
                fontsize=label.font * _UNIT, zorder=4, gid=f"{label.kind} {label.owner}")
    return _finish(fig, path)


_UNIT = 0.5   # points per layout unit: the worksheet's 18-unit labels print at 9 points


# -- decision boundary ---------------------------------------------------------------------------

_DOT = 60   # a sample's dot, in points squared: visible on a projector
MOST_RESOLUTION = 2000   # grid points per side: 4 million forward passes


def decision_boundary(net, samples, *, path=None, resolution=100, margin=0.1, title=None):
    """Colour the input plane by the class the network gives it, with the samples on top.

    For a 2-input network and classification targets (see
    :func:`neurosim.training.classification_rule`). One output: the background shows the
    output's value and a black line the class boundary (the midpoint of the two target
    values); several outputs: each region has the colour of its argmax class. Each class's
    samples are one scatter (circles), misclassified ones ringed in black. The title gives
    the accuracy.
    """
    from .validation import check_count
    from .propagation import evaluate
    from .training import classification_rule, classify

    if net.layer_sizes[0] != 2:
        raise ShapeError(f"decision_boundary needs a network with 2 inputs, got "
                         f"{net.layer_sizes[0]}")
    pairs = [(list(map(float, x)), list(map(float, t))) for x, t in samples]
    if not pairs:
        raise ShapeError("decision_boundary needs at least one sample, got none")
    rule = classification_rule(net, [t for _, t in pairs])
    if rule is None:
        raise ConfigurationError("decision_boundary needs classification targets: one output "
                                 "with two target values, or one-hot targets over outputs")
    check_count("resolution", resolution, 2, MOST_RESOLUTION)

    def span(values):           # the samples' range, widened by the margin, and the grid on it
        pad = (max(values) - min(values)) * margin or 1.0
        lo, hi = min(values) - pad, max(values) + pad
        return lo, hi, [lo + (hi - lo) * k / (resolution - 1) for k in range(resolution)]
    x_lo, x_hi, gx = span([x[0] for x, _ in pairs])
    y_lo, y_hi, gy = span([x[1] for x, _ in pairs])
    grid = [[evaluate(net, [x, y]) for x in gx] for y in gy]

    fig = _figure(figsize=(6, 5.2))
    ax = fig.add_subplot()
    kind, midpoint = rule
    if kind == "threshold":
        z = [[o[0] for o in row] for row in grid]
        filled = ax.contourf(gx, gy, z, levels=20, cmap="coolwarm", alpha=0.55)
        ax.contour(gx, gy, z, levels=[midpoint], colors="black", linewidths=1.2)
        fig.colorbar(filled, ax=ax, label=f"out_{net.output_layer.neurons[0].name}")
    else:
        z = [[classify(o, rule) for o in row] for row in grid]
        ax.contourf(gx, gy, z, levels=[c - 0.5 for c in range(net.layer_sizes[-1] + 1)],
                    cmap="tab10", alpha=0.35, vmin=0, vmax=9)

    from matplotlib import colormaps
    from matplotlib.lines import Line2D
    classes = getattr(samples, "classes", ()) or ()
    groups = {}         # class -> its samples, each with True where the network is right
    for x, t in pairs:
        truth = classify(t, rule)
        groups.setdefault(int(truth), []).append((x, truth == classify(evaluate(net, x), rule)))
    handles = []
    for c, points in sorted(groups.items()):
        colour = ("tab:blue", "tab:red")[c] if kind == "threshold" else colormaps["tab10"](c)
        name = classes[c] if c < len(classes) else f"class {c}"
        dots = ax.scatter([x[0] for x, _ in points], [x[1] for x, _ in points], s=_DOT,
                          color=colour, edgecolors=["white" if ok else "black" for _, ok in points],
                          linewidths=[1.0 if ok else 2.0 for _, ok in points], label=name,
                          zorder=3, clip_on=False)
        handles.append(Line2D([], [], marker="o", linestyle="", markersize=8,
                              markeredgecolor="white", markerfacecolor=dots.get_facecolor()[0],
                              label=name))
    right = sum(ok for points in groups.values() for _, ok in points)
    ax.set(xlim=(x_lo, x_hi), ylim=(y_lo, y_hi), xlabel=net.input_names[0],
           ylabel=net.input_names[1])
    # The legend goes below the plot: inside it would hide a sample (XOR's (1, 1), at a corner).
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12),
              ncol=min(len(groups), 4), fontsize=9, frameon=False,
              title="ringed in black: misclassified" if right < len(pairs) else None,
              title_fontsize=8)
    fig.subplots_adjust(bottom=0.2)
    ax.set_title(f"Decision boundary (accuracy {right / len(pairs):.3f} on {len(pairs)} "
                 f"samples)" if title is None else title)
    return _finish(fig, path)


# -- hidden activations --------------------------------------------------------------------------

def hidden_activations(net, samples, *, layer=1, path=None, digits=2, title=None):
    """A heatmap of hidden layer ``layer``'s outputs (1 = the first hidden layer) per sample.

    One row per sample, labelled by its inputs (as a bit string when they are all 0 or 1, as
    the 8-3-8 encoder's one-hot patterns are); one column per neuron; each cell shows the
    value. Trained on the 8-3-8 encoder, the three columns come out close to a binary code.
    """
    from .validation import check_count
    hidden = [lay for lay in net.layers if lay.kind == "hidden"]
    if not hidden:
        raise ConfigurationError("hidden_activations needs a network with a hidden layer")
    check_count("layer", layer, 1, len(hidden))
    pairs = [list(map(float, x)) for x, _ in samples]
    if not pairs:
        raise ShapeError("hidden_activations needs at least one sample, got none")
    probe = copy.deepcopy(net)      # the network's own forward pass, on a copy: net keeps its outs

    def outs(x):
        probe.feed_forward(x)
        return [n.out for n in probe.layers[layer - 1].neurons]
    values = list(map(outs, pairs))
    names = [n.name for n in hidden[layer - 1].neurons]

    fig = _figure(figsize=(1.0 * len(names) + 2.5, 0.45 * len(pairs) + 1.6))
    ax = fig.add_subplot()
    image = ax.imshow(values, cmap="viridis", aspect="auto",
                      vmin=min(min(r) for r in values), vmax=max(max(r) for r in values))
    mid = (image.norm.vmin + image.norm.vmax) / 2
    for r, row in enumerate(values):
        for c, v in enumerate(row):
            ax.text(c, r, num(v, digits), ha="center", va="center", fontsize=8,
                    color="white" if v < mid else "black")
    ax.set_xticks(range(len(names)), names)
    # a row's inputs as a bit string when they are all 0 or 1 (the encoder's one-hot patterns)
    ax.set_yticks(range(len(pairs)), ["".join(str(int(v)) for v in x)
                                      if all(v in (0.0, 1.0) for v in x) else
                                      "[" + ", ".join(num(v, digits) for v in x) + "]"
                                      for x in pairs], fontfamily="monospace", fontsize=8)
    ax.set(xlabel=f"hidden layer {layer}", ylabel="inputs")
    fig.colorbar(image, ax=ax, label="out")
    ax.set_title(f"Hidden activations, layer {layer} ({' '.join(names)})" if title is None
                 else title)
    return _finish(fig, path)
