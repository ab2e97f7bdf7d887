"""``neurosim check``: a hand calculation's numbers against the simulator, with the likely slip."""

from ..errors import ConfigurationError
from ..files import MAX_TYPED_BYTES, read_text
from .. import hand_check
from ..hand_check.claims import parse
from . import load_network

HELP = ("check a hand calculation: each claimed number against the simulator, the first wrong "
        "one, what follows from it, and the likely slip; exit status 1 if a claim fails, 2 if "
        "the claims cannot be read or claim no number")
EXAMPLE = """\
claims (one 'name = value' a line, names as in the worksheet; or as JSON):
  inputs = 0.05, 0.10
  targets = 0.01, 0.99
  out_h1 = 0.593269992          # checked to half a unit of the last digit
  dE_total/dw5 = 0.082167041 ± 1e-9
  w5+ = 0.35891648              # after the update
  E_total@10000 = 0.0000351085  # after 10,000 updates

a textbook's own names and sign of delta (see demos/claims/han_kamber_pei.txt):
  name w46 = w7                 # the book's w46 is neurosim's w7 (w46+ is w7+)
  name Err6 = delta_o1
  convention: delta = -dE/dnet  # the book's delta (Err): error signal, e = t-y
  Err6 = 0.1311                 # typed as printed
  w46+ = -0.261

several samples and epochs (a book's table of online steps, or epoch errors):
  samples = 1 1 -> 0; 0 1 -> 1; 1 0 -> 1; 0 0 -> 0  # this order, every epoch
  mode = online                      # or batch
  epoch_error = sum, no half, during # during|after, half|no half, sum|mean|rms
  out_o1 @ epoch 1 sample 2 = 0.5    # the step on sample 2 of epoch 1
  w5+ @ epoch 3 = -1.2193            # after the last update of epoch 3
  E_epoch @ epoch 1 = 0.9896         # the epoch's error under epoch_error

examples:
  neurosim check demos/claims/seed002.json --json    # for an autograder
  # Mazur's post: which rule each figure follows
  neurosim check demos/claims/mazur_original.txt
  # Han, Kamber and Pei, in the book's names
  neurosim check demos/claims/han_kamber_pei.txt
  # a saved network; one slip
  neurosim check demos/answers.txt --network demos/net.json
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
    if args.window < 0:
        raise ConfigurationError(f"--window must be 0 or more, got {args.window}")
    net = None if args.network is None else load_network(args.network)
    claims = args.claims if args.claims != "-" else parse(
        read_text("-", "claims file", max_bytes=MAX_TYPED_BYTES, stdin=True), "<stdin>")
    report = hand_check.check(claims, net, window=args.window, diagnose=not args.no_diagnosis)
    print(report.to_json() if args.json else report)
    return 0 if report.ok else 1
