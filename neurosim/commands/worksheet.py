"""``neurosim worksheet``: one update written out as a hand calculation (text, Markdown, HTML)."""

import sys

from ..errors import ConfigurationError, NeurosimError
from .step import add_network_arguments, network_and_sample

NAME = "worksheet"
HELP = ("write one training update out as a hand calculation, every formula with its numbers: "
        "plain text, Markdown with LaTeX, or one self-contained HTML file (SVG diagram, MathML)")
EXAMPLE = """\
examples:
  neurosim worksheet                                   # Mazur's example, as plain text
  neurosim worksheet --format html -o mazur.html       # one file for the projector
  neurosim worksheet --format markdown --lang zh -o mazur.md
  neurosim worksheet --example seed002 --neurons h1,h4,o1 --digits 6
  neurosim worksheet net.json --input 0.05 0.1 --target 0.01 0.99 --format html -o net.html
"""


def add_arguments(parser):
    add_network_arguments(parser)
    parser.add_argument("--format", choices=("text", "markdown", "html"), default="text",
                        help="plain text (default), Markdown with $$ LaTeX $$ blocks, or HTML")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write to FILE (atomically) instead of standard output")
    parser.add_argument("--digits", type=int, default=9, metavar="N",
                        help="significant digits of the numbers (default: 9, as Mazur)")
    parser.add_argument("--lang", choices=("en", "zh"), default="en",
                        help="language of the headings and prose (default: en)")
    parser.add_argument("--neurons", metavar="NAMES",
                        help="write out only these neurons, e.g. h1,o1 (for large networks)")


def run(args):
    from ..render.worksheet import worksheet
    if not 1 <= args.digits <= 17:
        raise ConfigurationError(f"--digits must be between 1 and 17, got {args.digits}")
    net, inputs, targets = network_and_sample(args)
    document = worksheet(net, inputs, targets, format=args.format, digits=args.digits,
                         lang=args.lang, neurons=args.neurons)
    if args.output is None:
        sys.stdout.write(document)
    else:
        write_atomically(args.output, document)
        print(f"neurosim worksheet: wrote {args.output} ({args.format}, "
              f"{len(document.splitlines())} lines)")
    return 0


def write_atomically(path, text):
    """Write ``text`` to ``path`` as :func:`neurosim.serialize.write_atomically` does (a reader
    sees the old file or the new one; permissions and symbolic links are kept); a failure is one
    line naming the path."""
    from ..serialize import write_atomically as write
    try:
        write(path, text)
    except OSError as error:
        raise NeurosimError(f"cannot write {path!r}: {error.strerror or error}") from None
