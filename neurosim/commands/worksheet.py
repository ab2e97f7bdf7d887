"""``neurosim worksheet``: one update written out as a hand calculation (text, Markdown, HTML)."""

import os
import sys

from ..files import is_pipe, is_standard_output, write_to_pipe
from ..render.worksheet import worksheet
from . import add_network_arguments, check_digits, network_and_sample, write_file

HELP = ("write one training update out as a hand calculation, every formula with its numbers: "
        "plain text, Markdown with LaTeX, or one self-contained HTML file (SVG diagram, MathML)")
EXAMPLE = """\
examples:
  neurosim worksheet                             # Mazur's example, plain text
  neurosim worksheet -o mazur.html               # one file for the projector
  neurosim worksheet --lang zh -o mazur.md       # the format follows the suffix
  neurosim worksheet --format text -o mazur.html  # ... unless --format says so
  neurosim worksheet --example seed002 --neurons h1,h4,o1 --digits 6
  neurosim worksheet --matrix -o mazur.html      # each layer in matrix form too
  # the book's sign of delta (the error signal):
  neurosim worksheet --example han_kamber_pei --convention "delta = -dE/dnet"
  # a saved network:
  neurosim worksheet demos/net.json --input .05 .1 --target .01 .99 -o net.md
"""


def add_arguments(parser):
    add_network_arguments(parser)
    parser.add_argument("--format", choices=("text", "markdown", "html"),
                        help="plain text, Markdown with $$ LaTeX $$ blocks, or HTML (default: "
                             "from the suffix of -o FILE: .html/.htm, .md/.markdown, .txt; "
                             "otherwise text)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write to FILE (atomically) instead of standard output ('-', "
                             "/dev/stdout and pipes are written through, as a stream)")
    parser.add_argument("--force", action="store_true",
                        help="replace FILE even if it is read-only, has other hard links or "
                             "is another user's")
    parser.add_argument("--digits", type=int, default=9, metavar="N",
                        help="significant digits of the numbers (default: 9, as Mazur)")
    parser.add_argument("--lang", choices=("en", "zh"), default="en",
                        help="language of the headings and prose (default: en)")
    parser.add_argument("--matrix", action="store_true",
                        help="also write each layer in matrix form (z = W x + b, "
                             "delta = (W^T delta) * f'(z), dE/dW = delta x^T, W+), every entry "
                             "a number of the neuron-by-neuron lines")
    parser.add_argument("--convention", default="delta = dE/dnet", metavar="RULE",
                        help="the sign of delta the sheet is written in: \"delta = dE/dnet\" "
                             "(neurosim's, the default) or \"delta = -dE/dnet\" (the error "
                             "signal of many books, e = t - y: every delta negated, dE/dw = "
                             "-delta*x, w+ = w + eta*delta*x, in the --matrix lines too; "
                             "the step is the same)")
    parser.add_argument("--neurons", metavar="NAMES",
                        help="write out only these neurons, e.g. h1,o1 (for large networks)")


def run(args):
    check_digits(args.digits)
    net, inputs, targets = network_and_sample(args)
    args.format = args.format or format_of(args.output)
    document = worksheet(net, inputs, targets, format=args.format, digits=args.digits,
                         lang=args.lang, neurons=args.neurons, matrix=args.matrix,
                         convention=args.convention)
    if args.output is None or args.output == "-" or is_standard_output(args.output):
        sys.stdout.write(document)          # through the stream: `-o /dev/stdout >> f` appends
        return 0
    if is_pipe(args.output):                # -o >(gzip > sheet.html.gz), a FIFO
        write_to_pipe(args.output, document, "the worksheet")
    else:
        write_file(args.output, document, force=args.force)
    print(f"neurosim worksheet: wrote {args.output} ({args.format}, "
          f"{len(document.splitlines())} lines)")
    return 0


#: The format a file's suffix asks for (as ``train --plot`` takes the image format).
SUFFIXES = {".html": "html", ".htm": "html", ".xhtml": "html", ".md": "markdown",
            ".markdown": "markdown", ".txt": "text"}


def format_of(path):
    """The format of ``-o path`` when ``--format`` is not given: its suffix's, else text.

    >>> format_of("guess.html"), format_of("notes.MD"), format_of(None), format_of("sheet")
    ('html', 'markdown', 'text', 'text')
    """
    return SUFFIXES.get(os.path.splitext(path or "")[1].lower(), "text")

