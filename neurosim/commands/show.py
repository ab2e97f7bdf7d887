"""``neurosim show``: print a saved network's summary table."""

NAME = "show"
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
    from ..errors import ConfigurationError
    from ..render.text import summary
    from . import load_network
    if not 1 <= args.digits <= 17:
        raise ConfigurationError(f"--digits must be between 1 and 17, got {args.digits}")
    net = load_network(args.network)
    print(summary(net, digits=args.digits))
    return 0
