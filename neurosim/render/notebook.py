"""HTML for Jupyter: what neurosim returns, shown as tables and pictures (``_repr_html_``).

Jupyter shows the last value of a cell by calling its ``_repr_html_``. Each of these objects
has one, built here:

=====================================  ===================================================
``NeuralNetwork``                      :func:`network_html`: a table per layer, every neuron's
                                       weights, bias and the partials of the last pass
``Neuron``, ``NeuronLayer``            :func:`neuron_html`, :func:`layer_html`: the same rows
``StepRecord`` (``record=True``)       :func:`record_html`: one row per event, its line of
                                       the hand calculation
``History`` (``fit``)                  :func:`history_html`: the errors before and after, and
                                       the error curve as an inline SVG (no matplotlib)
``GradientReport`` (``gradcheck``)     :func:`gradient_html`: the rows, failures in red
``CheckReport`` (``check``)            :func:`check_html`: the claims, the first wrong one
                                       marked, and why
``worksheet(..., format="html")``      :class:`Document`: still a ``str``, shown as the page
=====================================  ===================================================

Every name and number is escaped; nothing here prints or writes files.

>>> from neurosim.worked_examples import mazur
>>> html = network_html(mazur())
>>> html.startswith("<div class=\\"neurosim\\">"), "w5=0.4" in html
(True, True)
"""

import math
from html import escape

from .text import fmt

__all__ = ["network_html", "record_html", "neuron_html", "layer_html", "history_html",
           "gradient_html", "check_html", "Document"]

_STYLE = ("<style>.neurosim table{border-collapse:collapse;margin-bottom:0.6em}"
          ".neurosim th,.neurosim td{padding:1px 8px;text-align:left;"
          "font-family:monospace;font-size:90%;border-bottom:1px solid #ddd}"
          ".neurosim caption{text-align:left;font-weight:bold;padding:2px 0}"
          ".neurosim .bad{color:#b00020;font-weight:bold}.neurosim .warn{color:#8a5a00}"
          ".neurosim .good{color:#1b6e20}.neurosim tr.first td{background:#fde8ea}"
          ".neurosim p{margin:0.2em 0}.neurosim .small{font-size:85%;color:#555}</style>")

_COLUMNS = (("net", "net"), ("out", "out"), ("dE/dout", "dE_dout"), ("dout/dnet", "dout_dnet"),
            ("delta", "delta"), ("dE/db", "dE_db"))


def network_html(net, digits=9):
    """The network's summary table as HTML: one table per layer, one row per neuron."""
    parts = ['<div class="neurosim">', _STYLE, f"<p><code>{escape(repr(net))}</code></p>"]
    parts += [_layer_table(layer, digits) for layer in net.layers]
    parts.append("</div>")
    return "".join(parts)


def _caption(layer):
    return (f"layer {layer.index} ({layer.kind}, {layer.activation.name}, "
            f"bias {layer.bias_mode})")


def _neuron_row(n, digits):
    weights = " ".join(f"{name}={fmt(w, digits)}" for name, w in zip(n.weight_names, n.weights))
    bias = f"{n.bias_name}={fmt(n.bias, digits)}" if n.bias_name else "-"
    cells = [n.name, weights, bias] + [fmt(getattr(n, attr), digits) for _, attr in _COLUMNS]
    return "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>"


def _table(caption, neurons, digits):
    header = "".join(f"<th>{escape(h)}</th>" for h in
                     ["neuron", "weights", "bias"] + [label for label, _ in _COLUMNS])
    rows = "".join(_neuron_row(n, digits) for n in neurons)
    return (f"<table><caption>{escape(caption)}</caption><thead><tr>{header}</tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _layer_table(layer, digits):
    return _table(_caption(layer), layer.neurons, digits)


def layer_html(layer, digits=9):
    """A :class:`~neurosim.layer.NeuronLayer` as HTML: its table, one row per neuron.

    >>> from neurosim.worked_examples import mazur
    >>> html = layer_html(mazur().layers[1])
    >>> "layer 2 (output, sigmoid, bias shared)" in html, html.count("<tr>")
    (True, 3)
    """
    return f'<div class="neurosim">{_STYLE}{_layer_table(layer, digits)}</div>'


def neuron_html(neuron, digits=9):
    """A :class:`~neurosim.neuron.Neuron` as HTML: its row of the network's table (``-`` for
    what no pass has computed yet).

    >>> from neurosim.worked_examples import mazur
    >>> net = mazur()
    >>> _ = net.train([0.05, 0.1], [0.01, 0.99])
    >>> html = neuron_html(net["o1"])
    >>> "w5=0.35891648" in html, "0.138498562" in html        # Mazur: w5+ and delta_o1
    (True, True)
    """
    return f'<div class="neurosim">{_STYLE}{_table(f"neuron {neuron.name}", [neuron], digits)}</div>'


def _cells(cells, row_class=None):
    """One table row; a cell is a text, or (text, css class)."""
    out = []
    for cell in cells:
        text, cls = cell if isinstance(cell, tuple) else (cell, None)
        out.append(f'<td class="{cls}">{escape(text)}</td>' if cls else f"<td>{escape(text)}</td>")
    start = f'<tr class="{row_class}">' if row_class else "<tr>"
    return start + "".join(out) + "</tr>"


def _header(names):
    return "<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in names) + "</tr></thead>"


def _g(value, spec=".6g"):
    return "-" if value is None or not math.isfinite(value) else format(value, spec)


def history_html(history):
    """A training :class:`~neurosim.training.History` as HTML: how it stopped, the errors and
    accuracies before and after, and the total error per epoch drawn as an inline SVG (a log
    scale when every error is positive), test errors dashed.

    >>> from neurosim import NeuralNetwork
    >>> from neurosim.datasets import xor
    >>> history = NeuralNetwork([2, 3, 1], seed=0).fit(xor(), epochs=20, seed=0)
    >>> html = history_html(history)
    >>> "<svg" in html, "20 epochs" in html, html.count("<polyline")
    (True, True, 1)
    """
    rows = [("total training error", _g(history.initial_error), _g(history.error))]
    if history.accuracies:
        rows.append(("training accuracy", _g(history.initial_accuracy, ".4f"),
                     _g(history.accuracies[-1], ".4f")))
    if history.test_errors:
        rows.append(("total test error", _g(history.initial_test_error),
                     _g(history.test_errors[-1])))
    if history.test_accuracies:
        rows.append(("test accuracy", _g(history.initial_test_accuracy, ".4f"),
                     _g(history.test_accuracies[-1], ".4f")))
    table = ("<table>" + _header(["", "before", "after"])
             + "<tbody>" + "".join(_cells(r) for r in rows) + "</tbody></table>")
    head = (f"<p><b>training history</b>: {escape(history.mode)}, {history.stopped_epoch} "
            f"epochs, stopped by {escape(str(history.stop_reason))}, {history.n_samples} "
            f"training samples</p>")
    return (f'<div class="neurosim">{_STYLE}{head}{table}'
            f"{_curve(history.errors, history.test_errors)}</div>")


def _curve(errors, test_errors, width=360, height=140, pad=34):
    """The error per epoch as an SVG line chart, or nothing for fewer than two epochs."""
    if len(errors) < 2:
        return ""
    values = [v for v in list(errors) + list(test_errors) if math.isfinite(v)]
    log = all(v > 0 for v in values)
    def y_of(v):
        return math.log10(v) if log else v
    low, high = min(map(y_of, values)), max(map(y_of, values))
    span = (high - low) or 1.0

    def points(series):
        n = len(series)
        return " ".join(f"{pad + (width - pad - 6) * k / max(n - 1, 1):.1f},"
                        f"{6 + (height - pad) * (high - y_of(v)) / span:.1f}"
                        for k, v in enumerate(series))
    lines = [f'<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" '
             f'points="{points(errors)}"/>']
    if len(test_errors) >= 2:
        lines.append(f'<polyline fill="none" stroke="#d62728" stroke-width="1.5" '
                     f'stroke-dasharray="4 3" points="{points(test_errors)}"/>')
    top = 10 ** high if log else high
    bottom = 10 ** low if log else low
    labels = (f'<text x="2" y="14" font-size="10">{_g(top, ".3g")}</text>'
              f'<text x="2" y="{height - pad + 6}" font-size="10">{_g(bottom, ".3g")}</text>'
              f'<text x="{pad}" y="{height - 8}" font-size="10">epoch 1</text>'
              f'<text x="{width - 6}" y="{height - 8}" font-size="10" text-anchor="end">'
              f"epoch {len(errors)}</text>")
    title = ("total error per epoch" + (" (log scale)" if log else "")
             + ("; test error dashed" if len(test_errors) >= 2 else ""))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
            f'<rect x="{pad}" y="4" width="{width - pad - 4}" height="{height - pad}" '
            f'fill="none" stroke="#ccc"/>{"".join(lines)}{labels}</svg>'
            f'<p class="small">{escape(title)}</p>')


_STATUS_CLASS = {"ok": "good", "FAIL": "bad", "kink": "warn", "unresolved": "warn",
                 "right": "good", "rounding": "good", "wrong": "bad"}


def gradient_html(report):
    """A :class:`~neurosim.gradient_report.GradientReport` as HTML: the counts, the rule a
    row must pass, a row per quantity (a failing one in red) and the notes.

    >>> from neurosim import gradcheck
    >>> from neurosim.worked_examples import mazur, MAZUR_INPUTS, MAZUR_TARGETS
    >>> html = gradient_html(gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS))
    >>> "dE/dw5" in html, html.count('class="good">ok<'), 'class="bad"' in html
    (True, 24, False)
    """
    from ..gradient_report import STATUSES
    counts = {s: len([r for r in report.rows if r.status == s]) for s in STATUSES}
    head = (f"<p><b>gradient check</b>: {len(report.rows)} quantities, {counts['ok']} ok, "
            f"{counts['kink']} at a kink, {counts['unresolved']} unresolved, "
            f'<span class="{"bad" if counts["FAIL"] else "good"}">{counts["FAIL"]} FAIL</span>'
            f"</p>")
    rule = "".join(f'<p class="small">{escape(line)}</p>'
                   for line in report.tolerances().splitlines())
    reference = "exact" if report.precise else "numeric"
    rows = []
    for r in report.rows:
        shown = r.exact if report.precise else r.numeric
        rows.append(_cells([r.name, _g(r.analytic, ".12g"), _g(shown, ".12g"),
                            _g(r.abs_error, ".1e"), _g(r.tolerance, ".1e"),
                            (r.status, _STATUS_CLASS[r.status])],
                           "first" if r.status == "FAIL" else None))
    table = ("<table>" + _header(["name", "analytic", reference, "difference", "tolerance",
                                  "status"]) + "<tbody>" + "".join(rows) + "</tbody></table>")
    notes = "".join(f'<p class="small">{escape(line)}</p>' for line in report._notes(report.rows))
    return f'<div class="neurosim">{_STYLE}{head}{rule}{table}{notes}</div>'


def check_html(report):
    """A :class:`~neurosim.hand_check.report.CheckReport` as HTML: the counts, a row per claim
    (the first wrong one marked), and why each claim that is not right is what it is.

    >>> from neurosim import check
    >>> html = check_html(check("network = mazur\\nout_o1 = 0.75136079\\nE_total = 0.298371109"))
    >>> 'class="first"' in html, "probable typo" in html
    (True, True)
    """
    from ..hand_check.report import shown as _shown
    counts = report.counts()
    n = len(report.results)
    head = (f"<p><b>{escape(str(report.source))}</b>: {n} claim{'' if n == 1 else 's'}, "
            f'<span class="good">{counts["right"]} right</span>, '
            + (f"{counts['rounding']} within carried rounding, " if counts["rounding"] else "")
            + f'<span class="{"bad" if counts["wrong"] else "good"}">{counts["wrong"]} wrong'
            f"</span></p><p class=\"small\">network {escape(str(report.network))}, inputs "
            f"{escape(', '.join(fmt(v) for v in report.inputs))}, targets "
            f"{escape(', '.join(fmt(v) for v in report.targets))}, learning rate "
            f"{escape(fmt(report.learning_rate))}</p>")
    rows = []
    for r in report.results:
        status = {"right": "right", "rounding": "rounding", "wrong": "WRONG"}[r.status]
        if r is report.first_wrong:
            status += " (first wrong claim)"
        printed = f"{r.printed} ± {fmt(r.claim.tol)}" if r.tol_stated else r.printed
        rows.append(_cells([r.name, printed, _shown(r.simulated, r.printed),
                            f"{r.difference:+.2g}" if r.difference else "0",
                            (status, _STATUS_CLASS[r.status]),
                            "  ".join(filter(None, [r.explanation,
                                                    f"# {r.label}" if r.label else ""]))],
                           "first" if r is report.first_wrong else None))
    table = ("<table>" + _header(["claim", "printed", "neurosim", "difference", "", "why"])
             + "<tbody>" + "".join(rows) + "</tbody></table>")
    notes = "".join(f'<p class="small">note: {escape(note)}</p>' for note in report.notes)
    return f'<div class="neurosim">{_STYLE}{head}{table}{notes}</div>'


class Document(str):
    """A worksheet: the text :func:`neurosim.worksheet` returns, a ``str`` in every way, that
    Jupyter shows as what it is: an HTML page rendered (in a frame of its own, so that its
    style does not reach the notebook), Markdown rendered, plain text as text.

    >>> sheet = Document("<!DOCTYPE html><p>w5+ = 0.35891648</p>", "html")
    >>> isinstance(sheet, str), sheet.startswith("<!DOCTYPE"), sheet.format
    (True, True, 'html')
    >>> sheet._repr_html_().startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    True
    """

    def __new__(cls, text, format):
        document = super().__new__(cls, text)
        document.format = format
        return document

    def __reduce__(self):                 # pickles and copies as itself, format included
        return (Document, (str(self), self.format))

    def _repr_html_(self):
        if self.format != "html":
            return None
        return (f'<iframe srcdoc="{escape(str(self), quote=True)}" title="neurosim worksheet" '
                f'style="width:100%;height:42em;border:1px solid #ccc;resize:vertical">'
                f"</iframe>")

    def _repr_markdown_(self):
        return str(self) if self.format == "markdown" else None

    def _repr_pretty_(self, printer, cycle):   # IPython's text view: the text, not its repr
        printer.text(str(self))


def record_html(record, digits=9):
    """A step record as HTML: a table of its events, one per row, with their phase and kind.

    >>> from neurosim.worked_examples import mazur
    >>> record = mazur().train([0.05, 0.1], [0.01, 0.99], record=True)
    >>> html = record_html(record.filter(weight="w5", phase="update"))
    >>> "0.35891648" in html, html.count("<tr>")
    (True, 2)
    """
    rows = []
    for event in record:
        rows.append(f"<tr><td>{escape(event.phase)}</td><td>{escape(type(event).__name__)}"
                    f"</td><td>{escape(event.render(digits))}</td></tr>")
    count = len(rows)
    caption = f"step record: {count} event{'' if count == 1 else 's'}"
    return (f'<div class="neurosim">{_STYLE}<table><caption>{escape(caption)}</caption>'
            "<thead><tr><th>phase</th><th>event</th><th>calculation</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")
