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
import textwrap
import itertools
import os
import sys
from contextlib import suppress

from . import quantities
from .calculation import KINDS, plan
from .errors import ConfigurationError, NeurosimError, UnknownNameError
from .events import PHASES
from .numbers import num
from .network import check_network
from .quantities import name_of, owner_of

__all__ = ["Stepper", "event_count", "HISTORY_FILE"]

#: Where an interactive session keeps its command history (readline only).
HISTORY_FILE = os.path.join("~", ".neurosim_history")

_PHASE_TITLES = {"forward": "forward pass", "error": "total error", "backward": "backward pass",
                 "update": "update"}

#: What a breakpoint stops at, by what its name is.
_STOPS = {"phase": "stops at the first event of the {}",
          "neuron": "stops at every event computing a quantity of {}",
          "parameter": "stops where dE/d{0} is computed and where {0} is updated",
          "given": "stops at every event that reads {} (it is given, not computed)",
          "quantity": "stops where {} is computed"}

#: The short forms of the commands, as pdb's (help does not list them).
_ALIASES = {"n": "next", "s": "next", "step": "next", "c": "continue", "cont": "continue",
            "b": "break", "cl": "clear", "p": "print", "w": "where", "l": "list", "q": "quit",
            "exit": "quit", "r": "continue", "run": "continue"}     # the last two as gdb's


def _event_plan(net):
    """The quantities of the step's plan that have an event of their own, in order."""
    return [q for q in plan(net) if KINDS[q.kind].event is not None]


def event_count(net):
    """How many events one step of ``net`` yields (so ``where`` can say "event 9 of 53"): one
    per quantity of the step's plan that has an event of its own."""
    return len(_event_plan(net))


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
        super().__init__(stdin=stdin, stdout=stdout)
        self.use_rawinput = stdin is None and _isatty(sys.stdin)
        self.net = check_network(net)
        self.digits = digits
        self.steps = net.step_through(inputs, targets)
        self.events = []
        #: The quantity of each event, in order (the plan of neurosim.calculation).
        self.plan = _event_plan(net)
        self.finished = False
        #: name -> its number, in the order they were set; a number is kept when others are
        #: cleared (pdb)
        self.breakpoints = {}
        self._numbers = itertools.count(1)
        self.known = quantities.names(net)
        self.neuron_names = sorted(n.name for n in net.neurons)
        givens = [*net.input_names, *(f"target_{n.name}" for n in net.output_layer)]
        #: What each name a breakpoint can be set at is, without a quantity's (a name is
        #: unique in a network; a phase comes first)
        self.places = {**dict.fromkeys(givens, "given"),
                       **dict.fromkeys(net.parameter_names(), "parameter"),
                       **dict.fromkeys(self.neuron_names, "neuron"),
                       **dict.fromkeys(PHASES, "phase")}
        #: What break offers and completes: the phases, neurons, weights and biases, quantities.
        self.choices = [*PHASES, *self.neuron_names, *sorted(net.parameter_names()), *self.known]
        self.intro = (textwrap.fill(f"stepping through one update of {net!r}", 79,
                                    subsequent_indent="    ", break_long_words=False) + "\n"
                      f"{len(self.plan)} events; type help for the commands, next to begin")

    # -- the machinery ---------------------------------------------------------------------

    def run_script(self, lines):
        """Run commands from a list of lines (or one text of lines), echoing each; returns True
        if one of them quits."""
        if isinstance(lines, str):
            lines = lines.splitlines()
        elif not isinstance(lines, (list, tuple)) or not all(isinstance(x, str) for x in lines):
            raise ConfigurationError(f"run_script takes the commands as a list of lines or "
                                     f"one text, e.g. ['break w1', 'continue'], got {lines!r}")
        for line in lines:
            line = line.rstrip("\n")
            if line.strip() and not line.lstrip().startswith("#"):
                self._say(self.prompt + line)
                if self.onecmd(line):
                    return True
        return False

    def cmdloop(self, intro=None):
        """Read and run commands until ``quit`` or the end of the input (at a terminal, with
        readline's editing and the history file, where the readline module exists)."""
        readline = history = None
        if self.use_rawinput:
            with suppress(ImportError):     # (Windows without pyreadline: no history)
                import readline
                history = os.path.expanduser(HISTORY_FILE)
                with suppress(OSError):
                    readline.read_history_file(history)
        try:
            super().cmdloop(intro)
        except KeyboardInterrupt:
            self._say("")
        finally:
            if history:
                with suppress(OSError):
                    readline.set_history_length(1000)
                    readline.write_history_file(history)

    def parseline(self, line):
        command, arg, line = super().parseline(line)
        return _ALIASES.get(command, command), arg, line

    def precmd(self, line):
        if not self.use_rawinput and line != "EOF":
            self._say(line.rstrip("\n"))
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
        return bool(self.use_rawinput and self.lastcmd) and self.onecmd(self.lastcmd)

    def _say(self, text):
        self.stdout.write(text + "\n")

    def _run(self, count=None):
        """Compute ``count`` more events, printing each, or (without a count) compute events
        up to the next breakpoint, printing its line, or to the end of the step."""
        if self.finished:
            return self._say("the step is finished; print a quantity, or quit")
        for _ in range(count) if count else itertools.count():
            self.finished = True        # until the event comes (an error ends the step too)
            event = next(self.steps, None)
            if event is None:
                return self._say(f"the step is finished: {len(self.events)} events, every "
                                 f"trainable weight and bias updated")
            self.finished = False
            self.events.append(event)
            hit = not count and self._hits(event)
            if hit or count:
                self._say((f"stopped at breakpoint {hit}\n" if hit else "") +
                          self._line(len(self.events), event))
            if hit:
                return None

    def _line(self, number, event):
        return f"{number:>3} {event.phase:<9} {event.render(self.digits, self.net)}"

    def _hits(self, event):
        """The breakpoint the event just computed stops at, or None."""
        quantity = self.plan[len(self.events) - 1]
        starts = len(self.events) == 1 or self.events[-2].phase != event.phase
        return next((bp for bp in self.breakpoints
                     if (event.phase == bp and starts if self.places.get(bp) == "phase" else
                         bp in quantity.reads if self.places.get(bp) == "given" else
                         bp in (quantity.owner, quantity.name))), None)

    # -- commands --------------------------------------------------------------------------

    def do_next(self, arg):
        """next [N]: compute the next event (or the next N) and print its line."""
        try:
            count = int(arg or 1)
        except ValueError:
            return self._say(f"next takes a number of events, got {arg!r}; e.g. next 5")
        if count < 1:
            return self._say(f"next takes a positive count of events, got {count}; e.g. next 5")
        return self._run(count)

    def do_continue(self, arg):
        """continue: compute events up to the next breakpoint (printing its line) or the end."""
        return self._run()

    def do_break(self, arg):
        """break [NAME ...]: stop at a neuron (o1), weight or bias (w5), phase (backward) or
        quantity (delta_h1); without a name, list the breakpoints."""
        names = arg.replace(",", " ").split()
        if not names and not self.breakpoints:
            self._say("no breakpoints; e.g. break w5, break o1, break backward")
        for bp in (self._breakpoint(n) for n in names) if names else list(self.breakpoints):
            if bp is not None:
                if bp not in self.breakpoints:
                    self.breakpoints[bp] = next(self._numbers)
                stops = _STOPS[self.places.get(bp, "quantity")]
                self._say(f"breakpoint {self.breakpoints[bp]} at {bp}: "
                          f"{stops.format(_PHASE_TITLES.get(bp, bp))}")

    def _breakpoint(self, name):
        if name in self.places:
            return name
        key = quantities.canonical(name)
        if key in self.known:
            return key
        close = difflib.get_close_matches(name, self.choices, n=3, cutoff=0.6)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        self._say(f"cannot break at {name!r}: {hint}give a neuron ({self.neuron_names[0]}),"
                  f" a weight or bias ({self.net.parameter_names()[0]}), a phase "
                  f"({', '.join(PHASES)}) or a quantity")
        return None

    def do_clear(self, arg):
        """clear [NAME or NUMBER ...]: remove breakpoints (all of them without an argument);
        a breakpoint keeps the number break gave it, as in pdb."""
        names = arg.replace(",", " ").split()
        if not names:
            self.breakpoints.clear()
            self._say("every breakpoint cleared")
        by_number = {k: bp for bp, k in self.breakpoints.items()}
        for name in names:      # (a breakpoint is kept by its name as break wrote it)
            bp = by_number.get(int(name)) if name.isdigit() else quantities.canonical(name)
            if bp in self.breakpoints:
                self._say(f"cleared breakpoint {self.breakpoints.pop(bp)} at {bp}")
            else:
                where = f"number {name}" if name.isdigit() else f"at {name!r}"
                self._say(f"no breakpoint {where}; break lists them")

    def do_print(self, arg):
        """print NAME ...: the value of quantities as they are now (out_h1, dE/dw5, delta_o1, w5,
        w5+, dE_o1/dout_h1, E_total; a neuron, h1: all of its quantities so far); without a
        name, the quantity just computed. w5 is the value before the update, w5+ after."""
        names = arg.replace(",", " ").split()
        if not names and not self.events:
            return self._say("nothing is computed yet; e.g. next, then print out_h1")
        # What the neurons hold now, then what the events state: w5 is the value before the
        # update (the event's), w5+ the new one, as everywhere in neurosim.
        values = {**quantities.from_network(self.net), **quantities.from_events(self.events)}
        shown = []
        for name in names or [name_of(self.events[-1])]:
            # a neuron: every quantity of it computed so far
            owned = ([q.name for q in self.plan if q.neuron == name and q.name in values]
                     if name in self.neuron_names else [name])
            if not owned:
                self._say(f"nothing of {name} is computed yet")
            shown += owned
        for name in shown:
            try:
                key, value = quantities.lookup(values, name, self.known)
            except UnknownNameError as error:   # (one line; NotComputedError is one)
                key = quantities.canonical(name)
                after = key in self.known and key.endswith("+") and key.startswith(
                    ("net_", "out_", "E_"))
                self._say(f"{key} belongs to the forward pass after the update, which the "
                          f"stepper does not run; neurosim worksheet writes it out" if after
                          else str(error))
            else:
                self._say(f"{key} = {num(value, self.digits)}")

    def do_where(self, arg):
        """where: the phase and position of the computation, and the event just computed."""
        done = len(self.events)
        if not done:
            return self._say(f"at the start of the step: nothing computed yet, {len(self.plan)} "
                             f"events to go")
        event = self.events[-1]
        owner = owner_of(event)
        place = f", {self._layer_of(owner)}" if owner else ""
        state = "the step is finished" if self.finished else f"event {done} of {len(self.plan)}"
        self._say(f"{_PHASE_TITLES[event.phase]}{place}: {state}\n{self._line(done, event)}")

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
        shown = [self._line(k, e) for k, e in enumerate(self.events, 1)
                 if not arg or arg in (e.phase, owner_of(e)) or arg in e.names or
                 quantities.canonical(arg) == name_of(e)]
        self._say("\n".join(shown) if shown else "no events yet; next computes one"
                  if not self.events else f"no event so far matches {arg!r}")

    def do_net(self, arg):
        """net: the table of every neuron as it is now (weights, bias, net, out, partials)."""
        from .render.text import summary
        self._say(summary(self.net, self.digits))

    def do_quit(self, arg):
        """quit: leave the stepper (the weights keep the updates computed so far)."""
        return True

    def do_EOF(self, arg):
        """End of the input: quit."""
        self._say("")
        return True

    def do_help(self, arg):
        """help [COMMAND]: the commands, or one command's description."""
        arg = _ALIASES.get(arg, arg)
        if arg and not hasattr(self, "do_" + arg):
            return self.default(arg)
        return super().do_help(arg)

    def get_names(self):
        # EOF is not listed in help.
        return [n for n in super().get_names() if n != "do_EOF"]

    # -- completion (readline) ---------------------------------------------------------------

    def complete_print(self, text, *where):
        return [c for c in self.known if c.startswith(text)]

    def complete_break(self, text, *where):
        return [c for c in self.choices if c.startswith(text)]


def _isatty(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
