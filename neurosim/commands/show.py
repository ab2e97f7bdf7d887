"""``neurosim show``: print a saved network's summary table."""

from ..render.text import summary
from . import check_digits, load_network

HELP = "print the summary table of a saved network (every weight and bias by name)"
EXAMPLE = """\
examples:
  neurosim train xor --seed 1 --save xor.json
  neurosim show xor.json
  gunzip -c xor.json.gz | neurosim show -
"""


def add_arguments(parser):
    parser.add_argument("network", metavar="NETWORK.json",
                        help="a network saved with net.save() ('-': standard input)")
    parser.add_argument("--digits", type=int, default=9,
                        help="significant digits of the numbers (default 9)")


def run(args):
    check_digits(args.digits)
    print(summary(load_network(args.network), digits=args.digits))
    return 0
