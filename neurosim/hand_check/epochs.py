"""Claims over several samples and epochs: a book's table of online steps or of epoch errors.

Many books print more than one step: the first few online steps over a data set, or the error
of each epoch until a stopping rule holds. A claims file gives the data set and the rules, then
claims figures at a given sample and epoch::

    samples = 1 1 -> 0; 0 1 -> 1; 1 0 -> 1; 0 0 -> 0    # the data set, in the order visited
    mode = online                      # online (the default) or batch
    epoch_error = sum, no half, during # the book's per-epoch error (neurosim.epoch_error)
    out_o1 @ epoch 1 sample 2 = 0.5    # a quantity of the step on the 2nd sample of epoch 1
    w5+ @ epoch 1 sample 4 = -1.2067   # a weight after that step's update (online)
    w5+ @ epoch 3 = -1.2193            # a weight after the last update of epoch 3
    E_epoch @ epoch 1 = 0.9896         # the per-epoch error under epoch_error

Samples are visited in the order given, every epoch (no shuffling: a book's table has one
order). ``NAME @ epoch E sample K`` is any quantity of the worksheet of that step, computed with
the weights that step started from (``w5+`` after its update: online mode only, since in batch
mode no weight moves until the epoch's end). ``NAME+ @ epoch E`` is a weight or bias after the
epoch. ``E_epoch @ epoch E`` is the epoch's error as ``epoch_error`` defines it. The spaces are
optional (``out_o1@epoch1sample2``). Each is judged to half a unit of its last printed digit
(or its own ``± tol``), as a one-step claim is; the slips of a single step are not searched for
here.
"""

import copy
import re

from .. import quantities
from ..errors import FormatError
from ..training import batch_step, targets_and_outputs
from .claims import short

__all__ = ["AT_EPOCH", "split", "EpochRun", "MODES"]

#: ``NAME@epochE`` or ``NAME@epochEsampleK`` (spaces removed).
AT_EPOCH = re.compile(r"^(.+)@epoch([0-9]+)(?:sample([0-9]+))?$")

#: How many epochs a claim may ask for (each is run on a copy of the network).
MAX_EPOCHS = 100_000
MODES = ("online", "batch")


def split(name):
    """``(base, epoch, sample or None)`` for an epoch claim's name, else None."""
    match = AT_EPOCH.match(name)
    if not match:
        return None
    base, epoch, sample = match.groups()
    return base, int(epoch), None if sample is None else int(sample)


class EpochRun:
    """Runs ``net`` (a copy) over ``samples`` in order for as many epochs as the claims ask,
    and keeps the value of each claimed name."""

    def __init__(self, net, samples, mode, spec, claims, source):
        self.values = {}
        wanted = {}
        for c in claims:
            base, epoch, sample = split(c.name)
            where = f"{source} {c.where()}"
            if not 1 <= epoch <= MAX_EPOCHS:
                raise FormatError(f"{where}: the epoch must be from 1 to {MAX_EPOCHS:,}, got "
                                  f"{epoch}")
            if sample is not None and not 1 <= sample <= len(samples):
                raise FormatError(f"{where}: the data set has {len(samples)} samples, so the "
                                  f"sample must be from 1 to {len(samples)}, got {sample}")
            if base == "E_epoch":
                if sample is not None:
                    raise FormatError(f"{where}: E_epoch is a figure of a whole epoch: write "
                                      f"'E_epoch @ epoch {epoch}'")
                if spec is None:
                    raise FormatError(f"{where}: E_epoch needs the book's definition: add a "
                                      f"line such as 'epoch_error = sum, no half, during'")
            elif sample is None and not (base.endswith("+")
                                         and base[:-1] in net.parameter_names()):
                raise FormatError(f"{where}: {short(c.name)!r}: after a whole epoch only a "
                                  f"weight or bias after its update can be claimed (such as "
                                  f"'w5+ @ epoch {epoch}'); name the sample for the rest")
            elif sample is not None and mode == "batch" and base.endswith("+"):
                raise FormatError(f"{where}: in batch mode no weight moves before the end of "
                                  f"the epoch: claim {short(base)} @ epoch {epoch}")
            wanted.setdefault((epoch, sample), []).append((c.name, base))
        net = copy.deepcopy(net)
        for epoch in range(1, max(e for e, _ in wanted) + 1):
            seen = []
            for k, (x, t) in enumerate(samples, start=1):
                if (epoch, k) in wanted:  # the step's worksheet, with the weights it starts from
                    step = quantities.of_step(net, x, t)
                    self.values.update((name, step[base]) for name, base in wanted[epoch, k])
                if mode == "online":
                    net.train(x, t)
                    seen.append((t, net.output_layer.outs))
            if mode == "batch":
                batch_step(net, samples, seen)
            for name, base in wanted.get((epoch, None), []):
                self.values[name] = net[base[:-1]] if base != "E_epoch" else spec.of(
                    seen if spec.when == "during" else targets_and_outputs(net, samples))
