"""HTML for Jupyter: a network and a step record rendered as tables (``_repr_html_``).

``NeuralNetwork._repr_html_`` calls :func:`network_html`, so a network as the last value of a
cell shows as the summary table: every neuron's weights and bias by name, and the partials of
the last pass. :func:`record_html` does the same for a
:class:`~neurosim.events.StepRecord`: one row per event, grouped by phase, each the line of
the hand calculation. Every name and number is escaped; nothing here prints or writes files.

>>> from neurosim.worked_examples import mazur
>>> html = network_html(mazur())
>>> html.startswith("<div class=\\"neurosim\\">"), "w5=0.4" in html
(True, True)
"""

from html import escape

from .text import fmt

__all__ = ["network_html", "record_html"]

_STYLE = ("<style>.neurosim table{border-collapse:collapse;margin-bottom:0.6em}"
          ".neurosim th,.neurosim td{padding:1px 8px;text-align:left;"
          "font-family:monospace;font-size:90%;border-bottom:1px solid #ddd}"
          ".neurosim caption{text-align:left;font-weight:bold;padding:2px 0}</style>")

_COLUMNS = (("net", "net"), ("out", "out"), ("dE/dout", "dE_dout"), ("dout/dnet", "dout_dnet"),
            ("delta", "delta"), ("dE/db", "dE_db"))


def network_html(net, digits=9):
    """The network's summary table as HTML: one table per layer, one row per neuron."""
    parts = ['<div class="neurosim">', _STYLE, f"<p><code>{escape(repr(net))}</code></p>"]
    header = "".join(f"<th>{escape(h)}</th>" for h in
                     ["neuron", "weights", "bias"] + [label for label, _ in _COLUMNS])
    for layer in net.layers:
        caption = (f"layer {layer.index} ({layer.kind}, {layer.activation.name}, "
                   f"bias {layer.bias_mode})")
        rows = []
        for n in layer.neurons:
            weights = " ".join(f"{name}={fmt(w, digits)}"
                               for name, w in zip(n.weight_names, n.weights))
            bias = f"{n.bias_name}={fmt(n.bias, digits)}" if n.bias_name else "-"
            cells = [n.name, weights, bias] + [fmt(getattr(n, attr), digits)
                                               for _, attr in _COLUMNS]
            rows.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
        parts.append(f"<table><caption>{escape(caption)}</caption><thead><tr>{header}</tr>"
                     f"</thead><tbody>{''.join(rows)}</tbody></table>")
    parts.append("</div>")
    return "".join(parts)


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
