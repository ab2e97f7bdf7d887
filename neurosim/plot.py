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

matplotlib is imported only when a plot is drawn (``pip install 'neurosim[demo]'``). The
figures are built as plain :class:`~matplotlib.figure.Figure` objects, not through pyplot, so
no window opens and no display is needed (saving uses the Agg renderer); in Jupyter, enable
``%matplotlib inline`` and the returned figure shows as the cell's value.

Plotting never changes the network: outputs are computed from the weights, not stored.
"""

import math
import os
from operator import mul

from .errors import ConfigurationError, NumericalError, ShapeError

__all__ = ["loss_curve", "network_diagram", "decision_boundary", "hidden_activations"]

IMAGE_FORMATS = (".png", ".svg", ".pdf")


def _figure(**options):
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("neurosim.plot needs matplotlib; install it with "
                          "pip install 'neurosim[demo]'") from None
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
        x = [f(sum(map(mul, n.weights, x)) + n.bias) for n in layer.neurons]
        outs.append(x)
    return outs


def _g(value, digits):
    return format(value, f".{digits}g")


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
        ax2 = ax.twinx()
        acc = _with_initial(history.initial_accuracy, history.accuracies, 1)
        ax2.plot(epochs[:len(acc)], acc, color="tab:green", linestyle="--",
                 label="training accuracy")
        if history.test_accuracies:
            test_acc = _with_initial(history.initial_test_accuracy, history.test_accuracies, 1)
            ax2.plot(epochs[:len(test_acc)], test_acc, color="tab:red", linestyle="--",
                     label="test accuracy")
        ax2.set_ylim(-0.02, 1.02)
        ax2.set_ylabel("accuracy")
        more_handles, more_labels = ax2.get_legend_handles_labels()
        handles += more_handles
        labels += more_labels
    ax.legend(handles, labels, loc="best")
    return _finish(fig, path)


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
    square node (``b1``) joined to its layer; a per-neuron bias is written under its neuron.
    ``show_deltas=True`` adds each neuron's ``delta`` and each weight's ``dE/dw`` from the
    last backward pass (after ``net.train``). ``weight_labels`` (default: when there are at
    most 40 connections) writes the weight labels.
    """
    sizes = net.layer_sizes
    n_conn = sum(a * b for a, b in zip(sizes, sizes[1:]))
    if weight_labels is None:
        weight_labels = n_conn <= 40
    tallest = max(sizes)
    fig = _figure(figsize=(3.0 * len(sizes) + 1.0, 1.5 * tallest + 2.0))  # or: what to install
    from matplotlib.colors import Normalize
    from matplotlib.patches import Circle, Rectangle
    ax = fig.add_subplot()
    ax.set_aspect("equal")
    ax.axis("off")

    def position(k, j):  # layer k (0 = inputs), neuron j: top to bottom, centred
        return _DX * k, _DY * ((sizes[k] - 1) / 2.0 - j)

    all_weights = [w for layer in net.layers for n in layer.neurons for w in n.weights]
    biggest = max((abs(w) for w in all_weights), default=0.0) or 1.0
    norm = Normalize(-biggest, biggest)
    cmap = _colormap("coolwarm")
    radius = 0.36
    for k, layer in enumerate(net.layers, start=1):
        for j, n in enumerate(layer.neurons):
            x1, y1 = position(k, j)
            for i, (w_name, w) in enumerate(zip(n.weight_names, n.weights)):
                x0, y0 = position(k - 1, i)
                ax.plot([x0, x1], [y0, y1], color=cmap(norm(w)),
                        linewidth=0.6 + 3.4 * abs(w) / biggest, zorder=1,
                        gid=f"connection {w_name}")
                if weight_labels:
                    # Stagger the labels along the lines by sender: the lines leaving one
                    # sender fan out, and crossing lines get their labels at different places.
                    t = 0.15 + 0.7 * (i + 0.5) / len(n.weights)
                    # After a training step the weights are the new ones (w5+), while out,
                    # delta and dE/dw are of the weights before the update: say which.
                    after = show_deltas and net.weights_updated and n.dE_dw is not None
                    text = f"{w_name}{'+' if after else ''}={_g(w, digits)}"
                    if show_deltas and n.dE_dw is not None:
                        text += f"\ndE/d{w_name}={_g(n.dE_dw[i], digits)}"
                    ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), text, fontsize=7,
                            ha="center", va="center", zorder=3,
                            bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none",
                                      alpha=0.8))

    inputs = net.layers[0].neurons[0].inputs
    for i, name in enumerate(net.input_names):
        x, y = position(0, i)
        ax.add_patch(Circle((x, y), radius, fc="#e8e8e8", ec="black", zorder=2))
        label = name if inputs is None else f"{name}\n{_g(inputs[i], digits)}"
        ax.text(x, y, label, ha="center", va="center", fontsize=8, zorder=4)
    for k, layer in enumerate(net.layers, start=1):
        colour = "#fff2cc" if layer.kind == "output" else "#dae8fc"
        for j, n in enumerate(layer.neurons):
            x, y = position(k, j)
            ax.add_patch(Circle((x, y), radius, fc=colour, ec="black", zorder=2))
            ax.text(x, y, n.name, ha="center", va="center", fontsize=9, zorder=4,
                    fontweight="bold")
            notes = []
            if n.out is not None:
                notes.append(f"out={_g(n.out, digits)}")
            if show_deltas and n.delta is not None:
                notes.append(f"delta={_g(n.delta, digits)}")
            if layer.bias_mode == "per_neuron":
                notes.append(f"{n.bias_name}={_g(n.bias, digits)}")
            if notes:
                ax.text(x, y - radius - 0.05, "\n".join(notes), ha="center", va="top",
                        fontsize=7, zorder=4)
        if layer.bias_mode == "shared":
            bx, by = _DX * (k - 0.5), -_DY * (tallest - 1) / 2.0 - 1.2
            ax.add_patch(Rectangle((bx - 0.25, by - 0.2), 0.5, 0.4, fc="#f5f5f5", ec="black",
                                   zorder=2))
            label = f"{layer.bias_name}={_g(layer.neurons[0].bias, digits)}"
            if show_deltas and layer.dE_db is not None:
                label += f"\ndE/d{layer.bias_name}={_g(layer.dE_db, digits)}"
            ax.text(bx, by - 0.25, label, ha="center", va="top", fontsize=7, zorder=4)
            for j in range(len(layer.neurons)):
                x, y = position(k, j)
                ax.plot([bx, x], [by, y], color="grey", linewidth=0.6, linestyle=":",
                        zorder=1, gid=f"bias {layer.bias_name}")
    top = _DY * (tallest - 1) / 2.0
    ax.set_xlim(-0.8, _DX * (len(sizes) - 1) + 0.8)
    shared = any(layer.bias_mode == "shared" for layer in net.layers)
    ax.set_ylim(-top - (2.1 if shared else 1.1), top + 0.7)
    if title is None:
        acts = ", ".join(sorted({layer.activation.name for layer in net.layers}))
        title = f"{'-'.join(map(str, sizes))} network ({acts}, {net.loss.name})"
        if show_deltas and net.weights_updated:
            title += ("\nweights after the update (w+); out, delta and dE/dw from the step "
                      "before it")
    ax.set_title(title)
    return _finish(fig, path)


_DX, _DY = 4.0, 1.8  # distance between layers, and between neurons of a layer


def _colormap(name):
    import matplotlib
    return matplotlib.colormaps[name]


# -- decision boundary ---------------------------------------------------------------------------

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
    right = 0
    for c in sorted(groups):
        points = groups[c]
        right += sum(ok for _, ok in points)
        colour = palette[c] if palette else _colormap("tab10")(c)
        name = classes[c] if c < len(classes) else f"class {c}"
        ax.scatter([x[0] for x, _ in points], [x[1] for x, _ in points], s=18, color=colour,
                   edgecolors=["none" if ok else "black" for _, ok in points],
                   linewidths=1.0, label=name, zorder=3)
    accuracy = right / len(pairs)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_xlabel(net.input_names[0])
    ax.set_ylabel(net.input_names[1])
    ax.legend(loc="upper right", fontsize=8)
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
