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
from collections import Counter
from html import escape

from ..numbers import beyond
from .text import HEADER, caption, cells, fmt

__all__ = ["network_html", "record_html", "neuron_html", "layer_html", "history_html",
           "gradient_html", "check_html", "Document"]

_STYLE = ("<style>.neurosim table{border-collapse:collapse;margin-bottom:0.6em}"
          ".neurosim th,.neurosim td{padding:1px 8px;text-align:left;"
          "font-family:monospace;font-size:90%;border-bottom:1px solid #ddd}"
          ".neurosim caption{text-align:left;font-weight:bold;padding:2px 0}"
          ".neurosim .bad{color:#b00020;font-weight:bold}.neurosim .warn{color:#8a5a00}"
          ".neurosim .good{color:#1b6e20}.neurosim tr.first td{background:#fde8ea}"
          ".neurosim p{margin:0.2em 0}.neurosim .small{font-size:85%;color:#555}</style>")

_STATUS_CLASS = {"ok": "good", "FAIL": "bad", "kink": "warn", "unresolved": "warn",
                 "right": "good", "rounding": "good", "wrong": "bad"}


def _div(*parts):
    return f'<div class="neurosim">{_STYLE}{"".join(parts)}</div>'


def _row(cells, row_class=None):
    """One table row; a cell is a text, or (text, css class)."""
    return (f'<tr class="{row_class}">' if row_class else "<tr>") + "".join(
        f'<td class="{cell[1]}">{escape(cell[0])}</td>' if isinstance(cell, tuple)
        else f"<td>{escape(cell)}</td>" for cell in cells) + "</tr>"


def _table(header, rows, title=None):
    """A table of ``rows`` (from :func:`_row`) under the ``header``'s names."""
    return ("<table>" + (f"<caption>{escape(title)}</caption>" if title else "")
            + "<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in header)
            + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _neurons(title, neurons, digits):
    return _table(HEADER, [_row(cells(n, digits)) for n in neurons], title)


def network_html(net, digits=9):
    """The network's summary table as HTML: one table per layer, one row per neuron."""
    return _div(f"<p><code>{escape(repr(net))}</code></p>",
                *(_neurons(caption(layer), layer.neurons, digits) for layer in net.layers))


def layer_html(layer, digits=9):
    """A :class:`~neurosim.layer.NeuronLayer` as HTML: its table, one row per neuron.

    >>> from neurosim.worked_examples import mazur
    >>> html = layer_html(mazur().layers[1])
    >>> "layer 2 (output, sigmoid, bias shared)" in html, html.count("<tr>")
    (True, 3)
    """
    return _div(_neurons(caption(layer), layer.neurons, digits))


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
    return _div(_neurons(f"neuron {neuron.name}", [neuron], digits))


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
    rows = [_row(["total training error", _g(history.initial_error), _g(history.error)])] + [
        _row([name, _g(before, spec), _g(after[-1], spec)]) for name, before, after, spec in (
            ("training accuracy", history.initial_accuracy, history.accuracies, ".4f"),
            ("total test error", history.initial_test_error, history.test_errors, ".6g"),
            ("test accuracy", history.initial_test_accuracy, history.test_accuracies, ".4f"))
        if after]
    return _div(f"<p><b>training history</b>: {escape(history.mode)}, {history.stopped_epoch} "
                f"epochs, stopped by {escape(str(history.stop_reason))}, {history.n_samples} "
                f"training samples</p>", _table(["", "before", "after"], rows),
                _curve(history.errors, history.test_errors))


def _curve(errors, test_errors, width=360, height=140, pad=34):
    """The error per epoch as an SVG line chart, or nothing for fewer than two epochs."""
    if len(errors) < 2:
        return ""
    values = [v for v in list(errors) + list(test_errors) if math.isfinite(v)]
    log = all(v > 0 for v in values)
    y_of = math.log10 if log else float
    low, high = min(map(y_of, values)), max(map(y_of, values))
    span = (high - low) or 1.0

    def polyline(series, dashes=""):
        points = " ".join(f"{pad + (width - pad - 6) * k / max(len(series) - 1, 1):.1f},"
                          f"{6 + (height - pad) * (high - y_of(v)) / span:.1f}"
                          for k, v in enumerate(series))
        return (f'<polyline fill="none" stroke="{"#d62728" if dashes else "#1f77b4"}" '
                f'stroke-width="1.5" {dashes}points="{points}"/>')
    dashed = len(test_errors) >= 2
    lines = polyline(errors) + (polyline(test_errors, 'stroke-dasharray="4 3" ') if dashed else "")
    top, bottom = (10 ** high, 10 ** low) if log else (high, low)
    labels = (f'<text x="2" y="14" font-size="10">{_g(top, ".3g")}</text>'
              f'<text x="2" y="{height - pad + 6}" font-size="10">{_g(bottom, ".3g")}</text>'
              f'<text x="{pad}" y="{height - 8}" font-size="10">epoch 1</text>'
              f'<text x="{width - 6}" y="{height - 8}" font-size="10" text-anchor="end">'
              f"epoch {len(errors)}</text>")
    title = escape("total error per epoch" + (" (log scale)" if log else "")
                   + ("; test error dashed" if dashed else ""))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'role="img" aria-label="{title}"><title>{title}</title>'
            f'<rect x="{pad}" y="4" width="{width - pad - 4}" height="{height - pad}" '
            f'fill="none" stroke="#ccc"/>{lines}{labels}</svg><p class="small">{title}</p>')


def _small(lines, prefix=""):
    return "".join(f'<p class="small">{escape(prefix + line)}</p>' for line in lines)


def gradient_html(report):
    """A :class:`~neurosim.gradient_report.GradientReport` as HTML: the counts, the rule a
    row must pass, a row per quantity (a failing one in red) and the notes.

    >>> from neurosim import gradcheck
    >>> from neurosim.worked_examples import mazur, MAZUR_INPUTS, MAZUR_TARGETS
    >>> html = gradient_html(gradcheck(mazur(), MAZUR_INPUTS, MAZUR_TARGETS))
    >>> "dE/dw5" in html, html.count('class="good">ok<'), 'class="bad"' in html
    (True, 24, False)
    """
    counts = Counter(r.status for r in report.rows)
    rows = [_row([r.name, _g(r.analytic, ".12g"), _g(r.exact if report.precise else r.numeric,
                                                      ".12g"),
                  _g(r.abs_error, ".1e"), _g(r.tolerance, ".1e"),
                  (r.status, _STATUS_CLASS[r.status])], "first" if r.status == "FAIL" else None)
            for r in report.rows]
    return _div(f"<p><b>gradient check</b>: {len(report.rows)} quantities, {counts['ok']} ok, "
                f"{counts['kink']} at a kink, {counts['unresolved']} unresolved, "
                f'<span class="{"bad" if counts["FAIL"] else "good"}">{counts["FAIL"]} FAIL'
                f"</span></p>", _small(report.tolerances().splitlines()),
                _table(["name", "analytic", "exact" if report.precise else "numeric",
                        "difference", "tolerance", "status"], rows),
                _small(report._notes(report.rows)))


def check_html(report):
    """A :class:`~neurosim.hand_check.report.CheckReport` as HTML: the counts, a row per claim
    (the first wrong one marked), and why each claim that is not right is what it is.

    >>> from neurosim import check
    >>> html = check_html(check("network = mazur\\nout_o1 = 0.75136079\\nE_total = 0.298371109"))
    >>> 'class="first"' in html, "probable typo" in html
    (True, True)
    """
    counts = report.counts()
    n = len(report.results)
    rows = [_row([r.name, f"{r.printed} ± {fmt(r.claim.tol)}" if r.tol_stated else r.printed,
                  beyond(r.simulated, r.printed), f"{r.difference:+.2g}" if r.difference else "0",
                  ({"right": "right", "rounding": "rounding", "wrong": "WRONG"}[r.status]
                   + (" (first wrong claim)" if r is report.first_wrong else ""),
                   _STATUS_CLASS[r.status]),
                  "  ".join(filter(None, [r.explanation, f"# {r.label}" if r.label else ""]))],
                 "first" if r is report.first_wrong else None) for r in report.results]
    return _div(f"<p><b>{escape(str(report.source))}</b>: {n} claim{'' if n == 1 else 's'}, "
                f'<span class="good">{counts["right"]} right</span>, '
                + (f"{counts['rounding']} within carried rounding, " if counts["rounding"] else "")
                + f'<span class="{"bad" if counts["wrong"] else "good"}">{counts["wrong"]} wrong'
                f"</span></p><p class=\"small\">network {escape(str(report.network))}, inputs "
                f"{escape(', '.join(fmt(v) for v in report.inputs))}, targets "
                f"{escape(', '.join(fmt(v) for v in report.targets))}, learning rate "
                f"{escape(fmt(report.learning_rate))}</p>",
                _table(["claim", "printed", "neurosim", "difference", "", "why"], rows),
                _small(report.notes, "note: "))


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
        return (f'<iframe srcdoc="{escape(str(self), quote=True)}" title="neurosim worksheet" '
                f'style="width:100%;height:42em;border:1px solid #ccc;resize:vertical">'
                f"</iframe>") if self.format == "html" else None

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
    rows = [_row([event.phase, type(event).__name__, event.render(digits)]) for event in record]
    caption = f"step record: {len(rows)} event{'' if len(rows) == 1 else 's'}"
    return _div(_table(["phase", "event", "calculation"], rows, caption))
