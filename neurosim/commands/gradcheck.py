"""``neurosim gradcheck``: every partial of one backward pass against central differences."""

import math

from ..errors import ConfigurationError
from ..gradient_check import gradcheck
from . import add_network_arguments, network_and_sample

HELP = ("check every dE/dw, dE/db, dE/dout, dout/dnet and delta of one backward pass against "
        "central differences (E(v+h) - E(v-h)) / 2h, each row against its own error estimate; "
        "exit status 1 if any row fails, 2 on bad input")
EXAMPLE = """\
examples:
  neurosim gradcheck                    # Mazur's 2-2-2 example
  neurosim gradcheck --precise          # adds the 50-digit Decimal oracle
  neurosim gradcheck --example seed002 --eps 1e-5
  neurosim gradcheck demos/net.json --input 0.05 0.1 --target 0.01 0.99
"""


def add_arguments(parser):
    add_network_arguments(parser)
    parser.add_argument("--precise", action="store_true",
                        help="also run the forward pass in 50-digit decimal arithmetic: the "
                             "exact derivative, and the numeric error split into truncation "
                             "and rounding; rows are then judged against the exact value")
    parser.add_argument("--eps", type=float, default=1e-6, metavar="EPS",
                        help="the step of the central differences, h = eps * max(1, |v|) "
                             "(default: 1e-6); a row that is not ok at h is also measured "
                             "at h/4, h/16, ... or 4h, 16h, ... and judged where its error "
                             "estimate is smallest")
    parser.add_argument("--rtol", type=float, default=1e-5,
                        help="relative tolerance added to each row's error estimate "
                             "(default: 1e-5)")
    parser.add_argument("--atol", type=float, default=0.0,
                        help="absolute tolerance added to each row's error estimate "
                             "(default: 0)")


def run(args):
    net, inputs, targets = network_and_sample(args)
    for option, value, low in (("--eps", args.eps, "greater than 0"),
                               ("--rtol", args.rtol, "at least 0"), ("--atol", args.atol, "at least 0")):
        # the options as typed (0, not 0.0), named as on the command line
        if not math.isfinite(value):
            raise ConfigurationError(f"{option} must be a finite number, got {value:g}")
        if value < 0 or (value == 0 and option == "--eps"):
            raise ConfigurationError(f"{option} must be {low}, got {value:g}")
    try:
        report = gradcheck(net, inputs, targets, eps=args.eps, rtol=args.rtol, atol=args.atol,
                           precise=args.precise)
    except ConfigurationError as error:          # e.g. an eps below the weights' float spacing
        if str(error).startswith(("eps ", "rtol ", "atol ")):
            raise ConfigurationError(f"--{error}") from None
        raise
    print(report)
    try:
        report.assert_ok()
    except AssertionError as failure:
        print(f"\n{failure}")
        return 1
    return 0
