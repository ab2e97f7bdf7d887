"""An interactive stepper for one training update, in the style of pdb (standard library cmd).

Each ``next`` advances the real computation (:meth:`NeuralNetwork.step_through`) by one event
and prints its line of the hand calculation; ``print NAME`` shows any quantity by the names of
:mod:`neurosim.quantities` as the network holds it at that point::

    (neurosim) break w1
    breakpoint 1 at w1: stops where dE/dw1 is computed and where w1 is updated
    (neurosim) continue
    stopped at breakpoint w1
     39 backward  dE_total/dw1 = delta_h1 * dnet_h1/dw1 = 0.00877135469*0.05 = 0.000438567734
    (neurosim) print w5
    w5 = 0.4

A breakpoint is a neuron (``break o1``: every event computing one of its quantities, messages
into it included), a weight or bias (``break w5``: its gradient and its update), a phase
(``break backward``: the first event of the phase) or a quantity (``break delta_h1``).

The stepper reads commands from the terminal (with readline editing and a history file,
``~/.neurosim_history``, where the readline module exists), from piped standard input (each
command is echoed after the prompt, so the output reads like a session) or from a list of
lines (:meth:`Stepper.run_script`, the ``--commands FILE`` of ``neurosim step``). Unknown
commands and names get a one-line hint; no command prints a traceback.
"""

import cmd
import difflib
import os
import sys

from . import quantities
from .arguments import check_network
from .calculation import KINDS, plan
from .errors import NeurosimError
from .events import PHASES
from .numbers import num
from .quantities import NotComputedError, name_of, owner_of

__all__ = ["Stepper", "event_count", "HISTORY_FILE"]

#: Where an interactive session keeps its command history (readline only).
HISTORY_FILE = os.path.join("~", ".neurosim_history")

_PHASE_TITLES = {"forward": "forward pass", "error": "total error", "backward": "backward pass",
                 "update": "update"}


def event_count(net):
    """How many events one step of ``net`` yields (so ``where`` can say "event 9 of 53"): one
    per quantity of the step's plan that has an event of its own."""
    return sum(1 for q in plan(net) if KINDS[q.kind].event is not None)


class Stepper(cmd.Cmd):
    """The stepper over one step of ``net`` on ``(inputs, targets)``.

    ``stdin`` and ``stdout`` default to the terminal; with any other ``stdin`` (or a piped
    one) commands are echoed after the prompt.

    >>> import io
    >>> from neurosim.worked_examples import mazur, MAZUR_INPUTS, MAZUR_TARGETS
    >>> out = io.StringIO()
    >>> stepper = Stepper(mazur(), MAZUR_INPUTS, MAZUR_TARGETS, stdout=out)
    >>> quitted = stepper.run_script(["next 3", "print out_h1", "print net_h1"])
    >>> print(out.getvalue())
    (neurosim) next 3
      1 forward   w1*i1 = 0.15*0.05 = 0.0075    (i1 -> h1)
      2 forward   w2*i2 = 0.2*0.1 = 0.02    (i2 -> h1)
      3 forward   net_h1 = w1*i1 + w2*i2 + b1 = 0.15*0.05 + 0.2*0.1 + 0.35 = 0.3775
    (neurosim) print out_h1
    out_h1 is not computed yet
    (neurosim) print net_h1
    net_h1 = 0.3775
    <BLANKLINE>
    """

    prompt = "(neurosim) "
    doc_header = "commands (help COMMAND for more; NAME is a neuron, weight, bias or quantity):"
    ruler = ""

    def __init__(self, net, inputs, targets, *, digits=9, stdin=None, stdout=None):
        self.interactive = stdin is None and _isatty(sys.stdin)
        super().__init__(stdin=stdin, stdout=stdout)
        self.use_rawinput = self.interactive
        self.net = check_network(net)
        self.digits = digits
        self.steps = net.step_through(inputs, targets)
        self.events = []
        #: The quantity of each event, in order (the plan of neurosim.calculation).
        self.plan = [q for q in plan(net) if KINDS[q.kind].event is not None]
        self.total = len(self.plan)
        self.finished = False
        self.breakpoints = []        # names, in the order they were set
        self._numbers = {}           # name -> its number, kept when others are cleared (pdb)
        self._last_number = 0
        self.known = quantities.names(net)
        self.parameters = set(net.parameter_names())
        self.neuron_names = {n.name for n in net.neurons}
        self.givens = set(net.input_names) | {f"target_{n.name}" for n in net.output_layer}
        self.intro = (f"stepping through one update of {net!r}\n"
                      f"{self.total} events; type help for the commands, next to begin")

    # -- the machinery ---------------------------------------------------------------------

    def run_script(self, lines):
        """Run commands from a list of lines (or one text of lines), echoing each; returns True
        if one of them quits."""
        if isinstance(lines, str):
            lines = lines.splitlines()
        elif not isinstance(lines, (list, tuple)) or not all(isinstance(x, str) for x in lines):
            from .errors import ConfigurationError
            raise ConfigurationError(f"run_script takes the commands as a list of lines or "
                                     f"one text, e.g. ['break w1', 'continue'], got {lines!r}")
        for line in lines:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            self._echo(line)
            if self.onecmd(line):
                return True
        return False

    def cmdloop(self, intro=None):
        """Read and run commands until ``quit`` or the end of the input."""
        history = self._load_history() if self.interactive else None
        try:
            super().cmdloop(intro)
        except KeyboardInterrupt:
            self._say("")
        finally:
            if history:
                self._save_history(history)

    def precmd(self, line):
        if not self.use_rawinput and line != "EOF":
            self._echo(line.rstrip("\n"), prompt=False)
        return line

    def onecmd(self, line):
        try:
            return super().onecmd(line)
        except NeurosimError as error:
            self._say(f"error: {str(error).splitlines()[0]}")
        except Exception as error:  # a stepper never shows a traceback
            self._say(f"error: {type(error).__name__}: {error}")
        return False

    def default(self, line):
        word = line.split()[0]
        commands = [name[3:] for name in self.get_names() if name.startswith("do_")]
        close = difflib.get_close_matches(word, commands, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        self._say(f"unknown command {word!r}; {hint}type help for the commands")

    def emptyline(self):
        # Enter repeats the last command, as in pdb (a piped blank line does nothing).
        if self.use_rawinput and self.lastcmd:
            return self.onecmd(self.lastcmd)
        return False

    def _echo(self, line, prompt=True):
        self._say((self.prompt if prompt else "") + line)

    def _say(self, text):
        self.stdout.write(text + "\n")

    def _advance(self):
        """Compute one more event; print it and return it, or None at the end of the step."""
        if self.finished:
            return None
        try:
            event = next(self.steps)
        except StopIteration:
            self.finished = True
            self._say(f"the step is finished: {len(self.events)} events, every trainable "
                      f"weight and bias updated")
            return None
        except NeurosimError:
            self.finished = True
            raise
        self.events.append(event)
        return event

    def _line(self, number, event):
        return f"{number:>3} {event.phase:<9} {event.render(self.digits, self.net)}"

    def _hits(self, event, previous):
        quantity = self.plan[len(self.events) - 1]
        for bp in self.breakpoints:
            if bp in PHASES:
                if event.phase == bp and (previous is None or previous.phase != bp):
                    return bp
            elif bp in self.givens:
                if bp in quantity.reads:
                    return bp
            elif bp == quantity.owner or bp == quantity.name:
                return bp
        return None

    def _names(self, arg):
        return arg.replace(",", " ").split()

    # -- commands --------------------------------------------------------------------------

    def do_next(self, arg):
        """next [N]: compute the next event (or the next N) and print its line."""
        try:
            count = int(arg) if arg.strip() else 1
        except ValueError:
            self._say(f"next takes a number of events, got {arg.strip()!r}; e.g. next 5")
            return
        if count < 1:
            self._say(f"next takes a positive count of events, got {count}; e.g. next 5")
            return
        if self.finished:
            self._say("the step is finished; print a quantity, or quit")
            return
        for _ in range(count):
            event = self._advance()
            if event is None:
                break
            self._say(self._line(len(self.events), event))

    do_n = do_step = do_s = do_next

    def do_continue(self, arg):
        """continue: compute events up to the next breakpoint (printing its line) or the end."""
        if self.finished:
            self._say("the step is finished; print a quantity, or quit")
            return
        while True:
            previous = self.events[-1] if self.events else None
            event = self._advance()
            if event is None:
                return
            hit = self._hits(event, previous)
            if hit:
                self._say(f"stopped at breakpoint {hit}")
                self._say(self._line(len(self.events), event))
                return

    do_c = do_cont = do_continue

    def do_break(self, arg):
        """break [NAME ...]: stop at a neuron (o1), weight or bias (w5), phase (backward) or
        quantity (delta_h1); without a name, list the breakpoints."""
        names = self._names(arg)
        if not names:
            if not self.breakpoints:
                self._say("no breakpoints; e.g. break w5, break o1, break backward")
            for bp in self.breakpoints:
                self._say(f"breakpoint {self._numbers[bp]} at {bp}: {self._explain(bp)}")
            return
        for name in names:
            bp = self._breakpoint(name)
            if bp is None:
                continue
            if bp not in self.breakpoints:
                self.breakpoints.append(bp)
                self._last_number += 1
                self._numbers[bp] = self._last_number
            self._say(f"breakpoint {self._numbers[bp]} at {bp}: {self._explain(bp)}")

    do_b = do_break

    def _breakpoint(self, name):
        if name in PHASES or name in self.neuron_names or name in self.parameters or \
                name in self.givens:
            return name
        key = quantities.canonical(name)
        if key in self.known:
            return key
        choices = list(PHASES) + sorted(self.neuron_names) + sorted(self.parameters)
        close = difflib.get_close_matches(name, choices + self.known, n=3, cutoff=0.6)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        self._say(f"cannot break at {name!r}: {hint}give a neuron ({sorted(self.neuron_names)[0]}),"
                  f" a weight or bias ({self.net.parameter_names()[0]}), a phase "
                  f"({', '.join(PHASES)}) or a quantity")
        return None

    def _explain(self, bp):
        if bp in PHASES:
            return f"stops at the first event of the {_PHASE_TITLES[bp]}"
        if bp in self.neuron_names:
            return f"stops at every event computing a quantity of {bp}"
        if bp in self.parameters:
            return f"stops where dE/d{bp} is computed and where {bp} is updated"
        if bp in self.givens:
            return f"stops at every event that reads {bp} (it is given, not computed)"
        return f"stops where {bp} is computed"

    def do_clear(self, arg):
        """clear [NAME or NUMBER ...]: remove breakpoints (all of them without an argument);
        a breakpoint keeps the number break gave it, as in pdb."""
        names = self._names(arg)
        if not names:
            self.breakpoints.clear()
            self._numbers.clear()
            self._say("every breakpoint cleared")
            return
        by_number = {str(k): bp for bp, k in self._numbers.items()}
        for name in names:
            if name.isdigit():
                bp = by_number.get(str(int(name)))
                if bp is None:
                    self._say(f"no breakpoint number {name}; break lists them")
                    continue
            else:
                bp = quantities.canonical(name) if quantities.canonical(name) in \
                    self.breakpoints else name
            if bp in self.breakpoints:
                self.breakpoints.remove(bp)
                self._say(f"cleared breakpoint {self._numbers.pop(bp)} at {bp}")
            else:
                self._say(f"no breakpoint at {name!r}; break lists them")

    do_cl = do_clear

    def do_print(self, arg):
        """print NAME ...: the value of quantities as they are now (out_h1, dE/dw5, delta_o1, w5,
        w5+, dE_o1/dout_h1, E_total; a neuron, h1: all of its quantities so far); without a
        name, the quantity just computed. w5 is the value before the update, w5+ after."""
        names = self._names(arg)
        if not names:
            if not self.events:
                self._say("nothing is computed yet; e.g. next, then print out_h1")
                return
            names = [name_of(self.events[-1])]
        # What the neurons hold now, then what the events state: w5 is the value before the
        # update (the event's), w5+ the new one, as everywhere in neurosim.
        values = quantities.from_network(self.net)
        values.update(quantities.from_events(self.events))
        for name in list(names):   # a neuron: every quantity of it computed so far
            if name in self.neuron_names:
                owned = [q.name for q in self.plan if q.neuron == name and q.name in values]
                if not owned:
                    self._say(f"nothing of {name} is computed yet")
                k = names.index(name)
                names[k:k + 1] = owned
        for name in names:
            try:
                key, value = quantities.lookup(values, name, self.known)
            except NotComputedError as error:
                key = quantities.canonical(name)
                if key.endswith("+") and key.startswith(("net_", "out_", "E_")):
                    self._say(f"{key} belongs to the forward pass after the update, which the "
                              f"stepper does not run; neurosim worksheet writes it out")
                else:
                    self._say(str(error))
                continue
            except NeurosimError as error:
                self._say(str(error).splitlines()[0])
                continue
            self._say(f"{key} = {num(value, self.digits)}")

    do_p = do_print

    def do_where(self, arg):
        """where: the phase and position of the computation, and the event just computed."""
        done = len(self.events)
        if not done:
            self._say(f"at the start of the step: nothing computed yet, {self.total} events to go")
            return
        event = self.events[-1]
        owner = owner_of(event)
        place = f", {self._layer_of(owner)}" if owner else ""
        state = "the step is finished" if self.finished else f"event {done} of {self.total}"
        self._say(f"{_PHASE_TITLES[event.phase]}{place}: {state}")
        self._say(self._line(done, event))

    do_w = do_where

    def _layer_of(self, owner):
        for layer in self.net.layers:
            for n in layer.neurons:
                if owner == n.name or owner in n.weight_names or owner == n.bias_name:
                    what = f"neuron {owner}" if owner == n.name else f"{owner} into {n.name}"
                    return f"layer {layer.index} ({layer.kind}), {what}"
        return owner

    def do_list(self, arg):
        """list [PHASE or NAME]: the events computed so far, numbered (only a phase's, or only
        those involving a neuron, weight or bias)."""
        key = arg.strip()
        shown = 0
        for number, event in enumerate(self.events, 1):
            if key and key != event.phase and key not in event.names and \
                    key != owner_of(event) and quantities.canonical(key) != name_of(event):
                continue
            self._say(self._line(number, event))
            shown += 1
        if not shown:
            self._say("no events yet; next computes one" if not self.events
                      else f"no event so far matches {key!r}")

    do_l = do_list

    def do_net(self, arg):
        """net: the table of every neuron as it is now (weights, bias, net, out, partials)."""
        from .render.text import summary
        self._say(summary(self.net, self.digits))

    def do_quit(self, arg):
        """quit: leave the stepper (the weights keep the updates computed so far)."""
        return True

    do_q = do_exit = do_quit

    def do_EOF(self, arg):
        """End of the input: quit."""
        self._say("")
        return True

    def do_help(self, arg):
        """help [COMMAND]: the commands, or one command's description."""
        if arg and not hasattr(self, "do_" + arg.strip()):
            self.default(arg)
            return
        return super().do_help(arg)

    def get_names(self):
        # Aliases (do_n, do_c, ...) and EOF are not listed in help.
        hidden = {"do_n", "do_s", "do_step", "do_c", "do_cont", "do_b", "do_cl", "do_p",
                  "do_w", "do_l", "do_q", "do_exit", "do_EOF"}
        return [n for n in super().get_names() if n not in hidden]

    # -- completion (readline) ---------------------------------------------------------------

    def _complete(self, text, choices):
        return [c for c in choices if c.startswith(text)]

    def complete_print(self, text, line, begidx, endidx):
        return self._complete(text, self.known)

    def complete_break(self, text, line, begidx, endidx):
        return self._complete(text, list(PHASES) + sorted(self.neuron_names) +
                              sorted(self.parameters) + self.known)

    complete_p = complete_print
    complete_b = complete_break

    # -- history (readline) ------------------------------------------------------------------

    def _load_history(self):
        try:
            import readline
        except ImportError:  # pragma: no cover - Windows without pyreadline
            return None
        path = os.path.expanduser(HISTORY_FILE)
        try:
            readline.read_history_file(path)
        except OSError:
            pass
        return readline, path

    def _save_history(self, history):
        readline, path = history
        try:
            readline.set_history_length(1000)
            readline.write_history_file(path)
        except OSError:
            pass


def _isatty(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
