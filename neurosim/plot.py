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

import math
import os
from operator import mul

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


def _layer_outputs(net, x):
    """Every layer's outputs for inputs ``x`` (inputs first), computed without storing them."""
    outs = [list(map(float, x))]
    for layer in net.layers:
        f = layer.activation.f
        sign = -1.0 if net.thresholds else 1.0      # a threshold theta is the bias -theta
        x = [f(sum(map(mul, n.weights, x)) + sign * n.bias) for n in layer.neurons]
        outs.append(x)
    return outs


def _g(value, digits):
    return num(value, digits)


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
    from .arguments import check_type
    from .training import History
    check_type("history", history, History, "a History (what net.fit returns)")
    for field in ("initial_error", "errors", "initial_test_error", "test_errors"):
        values = getattr(history, field)
        for k, value in (enumerate(values) if isinstance(values, list) else [(None, values)]):
            if value is not None and not math.isfinite(value):
                where = field if k is None else f"{field}[{k}]"
                raise NumericalError(f"history.{where} is {value!r}, expected a finite number; "
                                     "a loss curve cannot show it")
    fig = _figure(figsize=(6.4, 4.2))
    ax = fig.add_subplot()
    train = _with_initial(history.initial_error, history.errors, history.n_samples)
    epochs = list(range(len(train)))
    ax.plot(epochs, train, label="training error", color="tab:blue")
    curves = [train]
    if history.test_errors:
        test = _with_initial(history.initial_test_error, history.test_errors,
                             history.n_test_samples)
        ax.plot(epochs[:len(test)], test, label="test error", color="tab:orange")
        curves.append(test)
    if log is None:
        log = all(v > 0 for curve in curves for v in curve)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean error per sample")
    ax.set_title(title)
    handles, labels = ax.get_legend_handles_labels()
    if history.accuracies:
        # The accuracy of a small data set jumps between a few values from epoch to epoch (XOR:
        # 0.5, 0.75, 0.5, ...): the raw curve is drawn faint and its running mean over
        # `window` epochs on top, so the trend reads and nothing is hidden.
        ax2 = ax.twinx()
        acc = _with_initial(history.initial_accuracy, history.accuracies, 1)
        window = max(1, len(acc) // 50)
        series = [("training accuracy", "tab:green", acc)]
        if history.test_accuracies:
            series.append(("test accuracy", "tab:red",
                           _with_initial(history.initial_test_accuracy,
                                         history.test_accuracies, 1)))
        for label, colour, values in series:
            xs = epochs[:len(values)]
            if window > 1:
                ax2.plot(xs, values, color=colour, linewidth=0.8, alpha=0.3,
                         gid=f"{label}, per epoch")
                label += f" (mean of {window} epochs)"
            ax2.plot(xs, _running_mean(values, window), color=colour, linestyle="--",
                     label=label)
        ax2.set_ylim(-0.02, 1.02)
        ax2.set_ylabel("accuracy")
        more_handles, more_labels = ax2.get_legend_handles_labels()
        handles += more_handles
        labels += more_labels
    # Below the axes, never over a curve (the accuracy = 1 line runs along the top).
    ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.14),
              ncol=2, fontsize=8, frameon=False)
    fig.subplots_adjust(bottom=0.28)
    return _finish(fig, path)


def _running_mean(values, window):
    """The mean of each value and the ``window - 1`` before it (fewer at the start)."""
    means, total = [], 0.0
    for k, v in enumerate(values):
        total += v
        if k >= window:
            total -= values[k - window]
        means.append(total / min(k + 1, window))
    return means


def _with_initial(initial, values, n):
    values = ([initial] if initial is not None else []) + list(values)
    return [v / max(n, 1) for v in values]


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
    connections = sum(len(n.weights) for n in net.neurons)
    if weight_labels is None:
        weight_labels = connections <= MOST_LABELLED
    # After a training step the weights are the new ones (w5+), while out, delta and dE/dw are
    # of the weights before the update: say which.
    edge_texts = {}
    for n in net.neurons:
        after = show_deltas and net.weights_updated and n.dE_dw is not None
        for i, (w_name, w) in enumerate(zip(n.weight_names, n.weights)):
            text = f"{w_name}{'+' if after else ''}={_g(w, digits)}"
            if show_deltas and n.dE_dw is not None:
                text += f"\ndE/d{w_name}={_g(n.dE_dw[i], digits)}"
            edge_texts[w_name] = text
    notes = {}
    for layer in net.layers:
        for n in layer.neurons:
            lines = []
            if n.out is not None:
                lines.append(f"out={_g(n.out, digits)}")
            if show_deltas and n.delta is not None:
                lines.append(f"delta={_g(n.delta, digits)}")
            if layer.bias_mode == "per_neuron":
                lines.append(f"{n.bias_name}={_g(n.bias, digits)}")
            if lines:
                notes[n.name] = "\n".join(lines)
    inputs = net.layers[0].neurons[0].inputs
    sides = ({} if inputs is None else
             {name: _g(v, digits) for name, v in zip(net.input_names, inputs)})
    bias_texts = {}
    for layer in net.layers:
        if layer.bias_mode == "shared":
            text = f"{layer.bias_name}={_g(layer.neurons[0].bias, digits)}"
            if show_deltas and layer.dE_db is not None:
                text += f"\ndE/d{layer.bias_name}={_g(layer.dE_db, digits)}"
            bias_texts[layer.bias_name] = text
    plan = layout(net, edge_texts=edge_texts if weight_labels else {}, notes=notes,
                  sides=sides, bias_texts=bias_texts, font=18,
                  most=connections if weight_labels else -1)

    if title is None:
        acts = ", ".join(sorted({layer.activation.name for layer in net.layers}))
        title = f"{'-'.join(map(str, net.layer_sizes))} network ({acts}, {net.loss.name})"
        if show_deltas and net.weights_updated:
            title += ("\nweights after the update (w+); out, delta and dE/dw from the step "
                      "before it")
        if not plan.labelled:
            title += (f"\n{connections} connections: weights not written on the lines "
                      "(colour and width show them)")
    band = 40 * (title.count("\n") + 1) + 20           # the title's height, layout units
    points = _UNIT / 72                                  # inches per layout unit
    fig.set_size_inches(plan.width * points, (plan.height + band) * points)
    ax = fig.add_axes((0, 0, 1, plan.height / (plan.height + band)))
    ax.set_xlim(0, plan.width)
    ax.set_ylim(plan.height, 0)                          # y downwards, as the layout's
    ax.axis("off")
    ax.set_title(title, fontsize=22 * _UNIT, pad=4)
    from matplotlib.colors import Normalize
    from matplotlib.patches import Circle, FancyBboxPatch

    weights = {w: v for n in net.neurons for w, v in zip(n.weight_names, n.weights)}
    biggest = max((abs(w) for w in weights.values()), default=0.0) or 1.0
    norm = Normalize(-biggest, biggest)
    cmap = _colormap("coolwarm")
    for edge in plan.edges:
        w = weights[edge.name]
        (x1, y1), (x2, y2) = edge.start, edge.end
        ax.plot([x1, x2], [y1, y2], color=cmap(norm(w)), linewidth=0.6 + 3.4 * abs(w) / biggest,
                zorder=1, gid=f"connection {edge.name}", solid_capstyle="butt")
    for bias in plan.biases:
        b = bias.box
        ax.add_patch(FancyBboxPatch((b.x0, b.y0), b.x1 - b.x0, b.y1 - b.y0,
                                    boxstyle="round,pad=0,rounding_size=6", fc="#f5f5f5",
                                    ec="black", zorder=2))
        ax.text((b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2, bias_texts[bias.name], ha="center",
                va="center", fontsize=plan.font * _UNIT, zorder=4, gid=f"bias label {bias.name}")
        for (x1, y1), (x2, y2) in bias.segments:
            ax.plot([x1, x2], [y1, y2], color="grey", linewidth=0.8, linestyle=":", zorder=1,
                    gid=f"bias {bias.name}")
    colours = {"input": "#e8e8e8", "hidden": "#dae8fc", "output": "#fff2cc"}
    for k, names in enumerate(plan.columns):
        for name in names:
            x, y = plan.centres[name]
            ax.add_patch(Circle((x, y), plan.radius, fc=colours[plan.kinds[k]], ec="black",
                                zorder=2))
            ax.text(x, y, name, ha="center", va="center", fontsize=(plan.font + 1) * _UNIT,
                    zorder=4, fontweight="bold" if k else "normal", gid=f"neuron {name}")
    for label in plan.labels:
        ax.text(label.x, label.y, label.text, ha="center", va="center", linespacing=1.2,
                fontsize=label.font * _UNIT, zorder=4, gid=f"{label.kind} {label.owner}")
    return _finish(fig, path)


_UNIT = 0.5   # points per layout unit: the worksheet's 18-unit labels print at 9 points


def _colormap(name):
    import matplotlib
    return matplotlib.colormaps[name]


# -- decision boundary ---------------------------------------------------------------------------

_DOT = 60   # a sample's dot, in points squared: visible on a projector


def decision_boundary(net, samples, *, path=None, resolution=100, margin=0.1, title=None):
    """Colour the input plane by the class the network gives it, with the samples on top.

    For a 2-input network and classification targets (see
    :func:`neurosim.training.classification_rule`). One output: the background shows the
    output's value and a black line the class boundary (the midpoint of the two target
    values); several outputs: each region has the colour of its argmax class. Each class's
    samples are one scatter (circles), misclassified ones ringed in black. The title gives
    the accuracy.
    """
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
    if not isinstance(resolution, int) or resolution < 2:
        raise ConfigurationError(f"resolution must be a whole number >= 2, got {resolution!r}")
    xs = [x[0] for x, _ in pairs]
    ys = [x[1] for x, _ in pairs]
    dx = (max(xs) - min(xs)) * margin or 1.0
    dy = (max(ys) - min(ys)) * margin or 1.0
    x_lo, x_hi, y_lo, y_hi = min(xs) - dx, max(xs) + dx, min(ys) - dy, max(ys) + dy
    gx = [x_lo + (x_hi - x_lo) * c / (resolution - 1) for c in range(resolution)]
    gy = [y_lo + (y_hi - y_lo) * r / (resolution - 1) for r in range(resolution)]
    grid = [[_layer_outputs(net, [x, y])[-1] for x in gx] for y in gy]

    fig = _figure(figsize=(6, 5.2))
    ax = fig.add_subplot()
    cmap = _colormap("coolwarm")
    kind, midpoint = rule
    if kind == "threshold":
        z = [[o[0] for o in row] for row in grid]
        filled = ax.contourf(gx, gy, z, levels=20, cmap=cmap, alpha=0.55)
        ax.contour(gx, gy, z, levels=[midpoint], colors="black", linewidths=1.2)
        fig.colorbar(filled, ax=ax, label=f"out_{net.output_layer.neurons[0].name}")
    else:
        n_out = net.layer_sizes[-1]
        z = [[classify(o, rule) for o in row] for row in grid]
        ax.contourf(gx, gy, z, levels=[c - 0.5 for c in range(n_out + 1)],
                    cmap=_colormap("tab10"), alpha=0.35, vmin=0, vmax=9)

    classes = getattr(samples, "classes", ()) or ()
    groups = {}
    for x, t in pairs:
        truth = classify(t, rule)
        guess = classify(_layer_outputs(net, x)[-1], rule)
        groups.setdefault(int(truth), []).append((x, truth == guess))
    palette = ["tab:blue", "tab:red"] if kind == "threshold" else None
    right, names = 0, []
    for c in sorted(groups):
        points = groups[c]
        right += sum(ok for _, ok in points)
        colour = palette[c] if palette else _colormap("tab10")(c)
        name = classes[c] if c < len(classes) else f"class {c}"
        names.append(name)
        ax.scatter([x[0] for x, _ in points], [x[1] for x, _ in points], s=_DOT, color=colour,
                   edgecolors=["white" if ok else "black" for _, ok in points],
                   linewidths=[1.0 if ok else 2.0 for _, ok in points], label=name, zorder=3,
                   clip_on=False)
    accuracy = right / len(pairs)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_xlabel(net.input_names[0])
    ax.set_ylabel(net.input_names[1])
    # The legend goes below the plot: inside it would hide a sample (XOR's (1, 1), at a corner).
    from matplotlib.lines import Line2D
    handles = [Line2D([], [], marker="o", linestyle="", markersize=8, markeredgecolor="white",
                      markerfacecolor=c.get_facecolor()[0], label=c.get_label())
               for c in ax.collections if c.get_label() in names]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12),
              ncol=min(len(groups), 4),
              fontsize=9, frameon=False, title="ringed in black: misclassified"
              if right < len(pairs) else None, title_fontsize=8)
    fig.subplots_adjust(bottom=0.2)
    if title is None:
        title = f"Decision boundary (accuracy {accuracy:.3f} on {len(pairs)} samples)"
    ax.set_title(title)
    return _finish(fig, path)


# -- hidden activations --------------------------------------------------------------------------

def hidden_activations(net, samples, *, layer=1, path=None, digits=2, title=None):
    """A heatmap of hidden layer ``layer``'s outputs (1 = the first hidden layer) per sample.

    One row per sample, labelled by its inputs (as a bit string when they are all 0 or 1, as
    the 8-3-8 encoder's one-hot patterns are); one column per neuron; each cell shows the
    value. Trained on the 8-3-8 encoder, the three columns come out close to a binary code.
    """
    hidden = [lay for lay in net.layers if lay.kind == "hidden"]
    if not hidden:
        raise ConfigurationError("hidden_activations needs a network with a hidden layer")
    if isinstance(layer, bool) or not isinstance(layer, int) or not 1 <= layer <= len(hidden):
        raise ConfigurationError(f"layer must be a hidden layer's number, 1 to {len(hidden)}, "
                                 f"got {layer!r}")
    pairs = [list(map(float, x)) for x, _ in samples]
    if not pairs:
        raise ShapeError("hidden_activations needs at least one sample, got none")
    values = [_layer_outputs(net, x)[layer] for x in pairs]
    names = [n.name for n in hidden[layer - 1].neurons]
    labels = [_row_label(x, digits) for x in pairs]

    fig = _figure(figsize=(1.0 * len(names) + 2.5, 0.45 * len(pairs) + 1.6))
    ax = fig.add_subplot()
    image = ax.imshow(values, cmap="viridis", aspect="auto",
                      vmin=min(min(r) for r in values), vmax=max(max(r) for r in values))
    mid = (image.norm.vmin + image.norm.vmax) / 2
    for r, row in enumerate(values):
        for c, v in enumerate(row):
            ax.text(c, r, _g(v, digits), ha="center", va="center", fontsize=8,
                    color="white" if v < mid else "black")
    ax.set_xticks(range(len(names)), names)
    ax.set_yticks(range(len(labels)), labels, fontfamily="monospace", fontsize=8)
    ax.set_xlabel(f"hidden layer {layer}")
    ax.set_ylabel("inputs")
    fig.colorbar(image, ax=ax, label="out")
    if title is None:
        title = f"Hidden activations, layer {layer} ({' '.join(names)})"
    ax.set_title(title)
    return _finish(fig, path)


def _row_label(x, digits):
    if all(v in (0.0, 1.0) for v in x):
        return "".join(str(int(v)) for v in x)
    return "[" + ", ".join(_g(v, digits) for v in x) + "]"
