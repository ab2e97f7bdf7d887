"""``neurosim train``: train a network on one of the built-in data sets, with progress.

The options, their checks and the run are here; what the command prints (the header, the
progress bar, the summary within 80 columns, the ``--full`` table) is in
:mod:`neurosim.commands.train_output`.
"""

import contextlib
import os
import random
import sys
import time

from .. import activations, datasets, losses
from ..errors import ConfigurationError, FileError, NumericalError
from ..files import check_path, check_target
from ..network import NeuralNetwork
from ..numbers import num
from ..plot import IMAGE_FORMATS, loss_curve
from ..training import MODES
from . import CtrlC, plural, train_output

HELP = "train a network on a built-in data set and print how it went (optionally save and plot)"
EXAMPLE = """\
examples:
  neurosim train xor                          # 2-5-1, learning rate 0.5
  neurosim train xor --hidden 4 --lr 2 --target-error .01 --save xor.json
  neurosim train iris --epochs 200 --plot iris_loss.png
  neurosim train spiral --hidden 16 8 --activation tanh --lr 0.01 --epochs 1000
  neurosim train encoder --mode batch --lr 1 --momentum 0.9 --epochs 3000
  neurosim train xor --seed 1 --full          # every weight and partial, named

data sets: mazur, and, or, xor, encoder (8-3-8), circle, xor_quadrants,
gaussians, spiral (TensorFlow Playground, --samples and --noise), iris (scaled
to the activation's range, 20% kept for testing). Each has default settings,
shown in the summary; every option overrides.
"""

#: name -> default settings; "hidden" lists hidden layer sizes.
DEFAULTS = {
    "mazur": dict(hidden=[2], lr=0.5, epochs=1000),
    "and": dict(hidden=[2], lr=0.5, epochs=2000),
    "or": dict(hidden=[2], lr=0.5, epochs=2000),
    "xor": dict(hidden=[5], lr=0.5, epochs=3000),
    "encoder": dict(hidden=[3], lr=0.3, epochs=5000),
    "circle": dict(hidden=[4], lr=0.03, epochs=200, activation="tanh"),
    "xor_quadrants": dict(hidden=[4], lr=0.03, epochs=200, activation="tanh"),
    "gaussians": dict(hidden=[2], lr=0.03, epochs=100, activation="tanh"),
    "spiral": dict(hidden=[16, 8], lr=0.01, epochs=1000, activation="tanh", samples=100),
    "iris": dict(hidden=[5], lr=0.5, epochs=200, test_fraction=0.2, scale=True),
}
PLAYGROUND = ("circle", "xor_quadrants", "gaussians", "spiral")


def add_arguments(parser):
    parser.add_argument("dataset", choices=sorted(DEFAULTS), metavar="DATASET",
                        help=f"one of: {', '.join(DEFAULTS)}")
    net = parser.add_argument_group("network")
    net.add_argument("--hidden", nargs="*", type=int, metavar="N",
                     help="hidden layer sizes, e.g. --hidden 4 8 (none: --hidden)")
    # the choices are named in the help, not in the usage line, which they would stretch
    # past 80 columns
    net.add_argument("--activation", choices=activations.names(), metavar="ACT",
                     help=f"hidden layers' activation, one of: "
                          f"{', '.join(activations.names())} (default: sigmoid; tanh for "
                          f"the 2-D sets)")
    net.add_argument("--output-activation", choices=activations.names(), metavar="ACT",
                     help="output layer's activation (default: the same as --activation)")
    net.add_argument("--loss", choices=losses.names(), default="half_squared_error",
                     metavar="LOSS", help=f"the loss, one of: {', '.join(losses.names())} "
                                          f"(default: half_squared_error)")
    net.add_argument("--lr", type=float, help="learning rate eta")
    run = parser.add_argument_group("training")
    run.add_argument("--epochs", type=int, help="the most epochs to run")
    run.add_argument("--mode", choices=MODES, default="online",
                     help="when the weights move: every sample, every batch, every epoch")
    run.add_argument("--batch-size", type=int, metavar="N", help="samples per minibatch")
    run.add_argument("--momentum", type=float, metavar="M", default=0.0,
                     help="momentum mu, 0 <= mu < 1 (default 0)")
    run.add_argument("--seed", type=int, metavar="S",
                     help="seed of the weights, the shuffling and the data (default: drawn "
                          "and printed, so a run can be repeated)")
    run.add_argument("--target-error", type=float, metavar="E",
                     help="stop once the total training error is below E")
    data = parser.add_argument_group("data")
    data.add_argument("--test-fraction", type=float, metavar="F",
                      help="keep this fraction aside as a test set, 0 <= F < 1 (default: 0.2 "
                           "for iris, else 0: no test set)")
    data.add_argument("--samples", type=int, metavar="N",
                      help="points of a 2-D Playground set (default 200; spiral 100)")
    data.add_argument("--noise", type=float,
                      help="noise of a 2-D Playground set, 0 to 0.5 (default 0)")
    out = parser.add_argument_group("output")
    out.add_argument("--save", metavar="NET.json",
                     help="save the trained network (also when training stops early: Ctrl-C, "
                          "a closed output, divergence)")
    out.add_argument("--force", action="store_true",
                     help="let --save replace a read-only file, one with other hard links "
                          "or another user's file")
    out.add_argument("--plot", metavar="LOSS.png",
                     help="save the loss curve (PNG or SVG; needs matplotlib)")
    out.add_argument("--full", action="store_true",
                     help="after the summary, the table of every neuron: weights, bias, net, "
                          "out and partials (of one pass on training sample 1, named), with "
                          "every digit; lines may be long")
    out.add_argument("--no-progress", action="store_true",
                     help="no progress bar (there is one on standard error only when it is "
                          "a terminal)")


def run(args):
    """Check every option, build the data and the network, train, then save, report and plot.

    Training that stops early still saves the network (``--save``) as the last finished step
    left it, says so on standard error, and exits as the cause asks: Ctrl-C 130, a closed
    output (``| head``) 141, divergence (NumericalError) 1.
    """
    _check_options(args)
    # the data set's default settings, each replaced by the option when it is given
    settings = {**DEFAULTS[args.dataset],
                **{name: value for name, value in vars(args).items() if value is not None}}
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10 ** 6)
    activation = settings.get("activation", "sigmoid")
    output_activation = settings.get("output_activation", activation)
    train, test, description = _data(args.dataset, settings, seed, output_activation)
    sizes = [len(train[0][0]), *settings["hidden"], len(train[0][1])]
    if any(size < 1 for size in sizes):
        raise ConfigurationError(f"--hidden sizes must be at least 1, got {settings['hidden']}")
    epochs = settings["epochs"]
    net = NeuralNetwork(sizes, activation=activation, output_activation=output_activation,
                        loss=args.loss, learning_rate=settings["lr"], momentum=args.momentum,
                        seed=seed)
    _check_batching(args, len(train))
    _note_ignored_options(args)                    # every check is done: now the output
    finished, failure = [], None                   # the History of every finished epoch
    with CtrlC() as ctrl_c:                        # from the first line on, Ctrl-C is a flag
        try:
            print(train_output.header(description, net, seed, args.mode, epochs))
        except BrokenPipeError:
            _say("neurosim train: the output was closed before training began; nothing "
                 "trained, nothing saved")
            raise
        progress = train_output.progress(epochs, disabled=args.no_progress)
        start = time.perf_counter()
        try:
            history = net.fit(train, epochs=epochs, mode=args.mode, batch_size=args.batch_size,
                              seed=seed, target_error=args.target_error,
                              callbacks=[finished.append, progress], test_samples=test or None,
                              interrupt=ctrl_c.is_set)
        except NumericalError as error:     # the weights: as the last finished step left them
            failure, history = error, error.history
        except BrokenPipeError as error:    # the progress bar's reader left (2>&1 | head)
            failure, history = error, finished[-1] if finished else None
        finally:
            with contextlib.suppress(OSError, ValueError):
                progress.close()
    elapsed = time.perf_counter() - start
    failed = _save(args, net)           # before any more output: `| head` loses nothing
    if failure is not None or history.stop_reason == "interrupt":
        if isinstance(failure, NumericalError):
            _say(f"neurosim train: error: {failure}")
        saved = ("nothing saved (no --save)" if not args.save else
                 f"could not save it to {args.save!r}: {failed}" if failed else
                 f"saved the network as it was then to {args.save}")
        how = ("diverged" if isinstance(failure, NumericalError) else
               "the output was closed" if failure else "interrupted")
        _say(f"neurosim train: {how} {_when(history)}; {saved}")
        if isinstance(failure, BrokenPipeError):
            raise failure
        return 1 if failure else 130
    if failed:
        raise FileError(f"cannot save {args.save!r}: {failed}")
    try:
        for part in (train_output.summary(history, elapsed), train_output.answers(net, train),
                     train_output.weights(net), args.full and train_output.full_table(net, train),
                     args.save and f"saved the network to {args.save}"):
            if part:
                print("\n" + part)
        sys.stdout.flush()
    except BrokenPipeError:
        _say(f"neurosim train: the output was closed after training ({_when(history)}); "
             + (f"the network is saved to {args.save}" if args.save else
                "nothing saved (no --save)"))
        raise
    if args.plot:
        try:
            loss_curve(history, path=args.plot,
                       title=f"{args.dataset}: {'-'.join(map(str, sizes))} network")
        except (ImportError, OSError) as error:
            raise ConfigurationError(f"cannot plot: {error}") from None
        print(f"saved the loss curve to {args.plot}")
    return 0


def _save(args, net):
    """Save to ``--save`` if given: None when done (or nothing to do), else why it failed."""
    if args.save:
        try:
            net.save(args.save, force=args.force)
        except OSError as error:                 # FileError too: the file changed since the check
            return error if isinstance(error, FileError) else error.strerror or error


def _when(history):
    """Where training stopped, in words: ``after epoch 12``, ``in epoch 13, after 3 of 4
    updates``."""
    if history is None or not (history.stopped_epoch or history.stopped_step):
        return "before the first epoch"
    if history.stopped_step:
        return (f"in epoch {history.stopped_epoch + 1}, after {history.stopped_step} of "
                f"{-(-history.n_samples // history.batch_size)} updates")
    return f"after epoch {history.stopped_epoch}"


def _say(line):
    """One line on standard error, if it is still open (a closed pipe only loses the line)."""
    with contextlib.suppress(OSError, ValueError):
        print(line, file=sys.stderr, flush=True)


def _check_options(args):
    """Refuse, before any output and any training, what training cannot use or could not save
    at the end (the checks that need the data: :func:`_check_batching`)."""
    for wrong, message in (
            (args.epochs is not None and args.epochs < 0,
             f"--epochs must be 0 or more, got {args.epochs}"),
            (args.batch_size is not None and args.batch_size < 1,
             f"--batch-size must be at least 1, got {args.batch_size}"),
            (args.mode == "minibatch" and args.batch_size is None,
             "--mode minibatch needs --batch-size N, the samples per update, got none"),
            (args.target_error is not None and not args.target_error > 0,
             f"--target-error must be greater than 0 (training stops when the total error "
             f"falls below it), got {args.target_error}"),
            (args.test_fraction is not None and not 0 <= args.test_fraction < 1,
             f"--test-fraction must be at least 0 (0: no test set) and less than 1, got "
             f"{args.test_fraction}")):
        if wrong:
            raise ConfigurationError(message)
    if args.save is not None:
        _check_destination("--save", args.save, args.force)
    if args.plot is not None:
        _check_destination("--plot", args.plot)
        if os.path.splitext(args.plot)[1].lower() not in IMAGE_FORMATS:
            raise ConfigurationError(f"--plot must end in {', '.join(IMAGE_FORMATS)} to choose the "
                                     f"image format, got {args.plot!r}")
        try:
            import matplotlib.figure  # noqa: F401  (the plot is drawn after training)
        except ImportError:
            raise ConfigurationError("--plot needs matplotlib; install it with "
                                     "pip install matplotlib") from None


def _check_batching(args, n):
    """--batch-size against --mode, as fit checks it, with the options' names."""
    if args.mode != "minibatch" and args.batch_size not in (None, 1 if args.mode == "online" else n):
        raise ConfigurationError(f"--batch-size {args.batch_size} needs --mode minibatch " + (
            "(--mode online updates after every sample)" if args.mode == "online" else
            f"(--mode batch updates once per epoch, with all {n} samples)"))


def _note_ignored_options(args):
    """A one-line note for --samples and --noise on a set they do not apply to."""
    given = [option for option, value in (("--samples", args.samples), ("--noise", args.noise))
             if value is not None]
    if given and args.dataset not in PLAYGROUND:
        verb, it = ("applies", "it") if len(given) == 1 else ("apply", "them")
        print(f"neurosim train: note: {' and '.join(given)} {verb} only to the 2-D sets "
              f"({', '.join(PLAYGROUND)}); {args.dataset} ignores {it}", file=sys.stderr)


def _check_destination(option, path, force=None):
    """ConfigurationError unless a file can be written at ``path`` (checked before training);
    for --save (``force`` given) also a file saving would refuse: a device, a FIFO, a read-only
    or hard-linked file without --force."""
    if not path:
        raise ConfigurationError(f"{option} needs a file name, got {path!r}")
    try:
        check_path(path)                   # a NUL, which no file name can hold
        folder = os.path.dirname(os.path.realpath(path))   # saving writes through a symlink
        if os.path.isdir(path):
            raise ConfigurationError(f"{option} {path!r} is a folder, expected a file name in it")
        if not os.path.isdir(folder):
            raise ConfigurationError(f"{option} {path!r}: the folder {folder!r} does not exist")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise ConfigurationError(f"{option} {path!r}: the folder {folder!r} is not writable")
        if force is not None:
            check_target(path, force=force, force_hint="give --force")
    except FileError as error:
        raise ConfigurationError(f"{option} {error}") from None
    except OSError as error:
        raise ConfigurationError(f"{option} {path!r}: {error.strerror or error}") from None


def _data(name, settings, seed, output_activation):
    """(training samples, test samples, a description) for the data set ``name``."""
    if name in PLAYGROUND:
        data = getattr(datasets, name)(
            settings.get("samples", 200), noise=settings.get("noise", 0.0), seed=seed,
            labels="signed" if output_activation == "tanh" else "binary")
    else:
        data = getattr(datasets, {"and": "and_gate", "or": "or_gate",
                                  "encoder": "encoder_8_3_8"}.get(name, name))()
    test = []
    if settings.get("test_fraction"):
        data, test = datasets.train_test_split(data, test_fraction=settings["test_fraction"],
                                               seed=seed)
    text = f"{name}, {plural(len(data), 'training sample')}"
    if test:
        text += f", {plural(len(test), 'test sample')}"
    if settings.get("scale"):
        lo = -1.0 if output_activation == "tanh" else 0.0
        scaler = datasets.MinMaxScaler(lo, 1.0).fit(data)
        data, test = scaler.transform(data), scaler.transform(test)
        text += f", inputs scaled to [{num(lo, 6)}, 1] on the training part"
    return list(data), list(test), text
