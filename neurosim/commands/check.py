"""``neurosim check``: a hand calculation's numbers against the simulator, with the likely slip."""

NAME = "check"
HELP = ("check a hand calculation: each claimed number against the simulator, the first wrong "
        "one, what follows from it, and the likely slip; exit status 1 if a claim fails, 2 if "
        "the claims cannot be read or claim no number")
EXAMPLE = """\
claims (one 'name = value' a line, names as in the worksheet; or the same as JSON):
  inputs = 0.05, 0.10
  targets = 0.01, 0.99
  out_h1 = 0.593269992          # checked to half a unit of the last digit
  dE_total/dw5 = 0.082167041 ± 1e-9
  w5+ = 0.35891648              # after the update
  E_total@10000 = 0.0000351085  # after 10,000 updates

examples:
  neurosim check demos/claims/mazur_original.txt     # Mazur's post: which rule each figure follows
  neurosim check demos/claims/seed002.json --json    # for an autograder
  neurosim check demos/answers.txt --network demos/net.json   # a saved network; one slip
"""


def add_arguments(parser):
    parser.add_argument("claims", metavar="CLAIMS",
                        help="the claims file: 'name = value' lines (# comments) or JSON "
                             "('-': standard input)")
    parser.add_argument("--network", metavar="NETWORK.json",
                        help="a network saved with net.save() (default: the claims' "
                             "'network = ...' worked example, else Mazur's)")
    parser.add_argument("--json", action="store_true",
                        help="print the report as JSON (for machines)")
    parser.add_argument("--window", type=int, default=10, metavar="N",
                        help="search long-run figures (NAME@N) within N updates of the stated "
                             "count (default: 10)")
    parser.add_argument("--no-diagnosis", action="store_true",
                        help="only judge the claims; do not search for the slips")


def run(args):
    from ..errors import ConfigurationError
    from ..hand_check import check
    from . import load_network
    if args.window < 0:
        raise ConfigurationError(f"--window must be 0 or more, got {args.window}")
    net = None
    if args.network is not None:
        net = load_network(args.network)
    claims = args.claims
    if claims == "-":
        from ..files import MAX_TYPED_BYTES, read_text
        from ..hand_check.claims import parse
        claims = parse(read_text("-", "claims file", max_bytes=MAX_TYPED_BYTES, stdin=True),
                       "<stdin>")
    report = check(claims, net, window=args.window, diagnose=not args.no_diagnosis)
    print(report.to_json() if args.json else report)
    return 0 if report.ok else 1
