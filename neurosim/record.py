"""StepRecord: the events of one training step, in order (:mod:`neurosim.events`).

Iterate, index, filter (by phase, neuron, weight or bias name, event class), print (one line of
the hand calculation per event) and serialize as JSON Lines text. ``net.train(x, t,
record=True)`` returns one; ``neurosim.events.StepRecord`` is the same class.
"""

import difflib
import json
import os
import re
from functools import cached_property, partial

from .events import PARAMETER_FIELDS, as_names
from .events import EVENT_TYPES, PHASES, Event
from .json_nesting import check_nesting

__all__ = ["StepRecord"]


def _natural(name):
    """Sort key: inputs, hidden, outputs, weights, biases, each by number (w2 before w10)."""
    parts = [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]
    return ("ihowb".find(name[:1]) % 6, parts)


#: A line: its text (up to one of the line boundaries of str.splitlines), then its boundary or
#: the end of the text; a line starts only where some text is left.
_LINE = re.compile("(?=.)([^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]*)"
                   "(?:\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]|\\Z)", re.S)


def _lines(text):
    """``text.splitlines()``, one line at a time: a file of a gigabyte of line breaks would
    otherwise become a list of a billion empty strings."""
    return (line.group(1) for line in _LINE.finditer(text))


def _path_hint(text):
    """A second line for a file name passed where the text of the file belongs."""
    path = text.strip()
    if "\n" in path or not os.path.isfile(path):   # (False for a name too long or with a NUL)
        return ""
    return (f"\n{path!r} is a file name, not the file's text; to read a file: "
            f"StepRecord.from_jsonl(pathlib.Path(path))")


class StepRecord:
    """The events of one step, in order; iterate, index, filter, print or save them.

    >>> from neurosim.worked_examples import mazur
    >>> net = mazur()
    >>> record = net.train([0.05, 0.1], [0.01, 0.99], record=True)
    >>> print(record.filter(weight="w5", phase="update"))
    w5+ = w5 - eta*dE_total/dw5 = 0.4 - 0.5*0.0821670406 = 0.35891648
    """

    _origin = None      # the record this one was filtered from (to know its names)

    def __init__(self, events=()):
        self.events = list(events)

    @classmethod
    def _of_values(cls, build, values):
        """The record of a step that returned ``values``; ``build(values)`` makes its events,
        on first use (a step's values cost far less to keep than thousands of event objects,
        and a user collecting a run's records may never read most of them)."""
        record = cls.__new__(cls)
        record._build = partial(build, values)
        return record

    @cached_property
    def events(self):
        """The events, in order (a list); built on first use (the values are let go then)."""
        return vars(self).pop("_build")()

    def filter(self, *, phase=None, neuron=None, weight=None, kind=None):
        """The events of one phase, involving one neuron or weight/bias name, or of one class.

        A name no event of the record involves is an :class:`~neurosim.errors.UnknownNameError`
        (a typo such as ``weight="W5"`` would otherwise give an empty record); a name that
        only has no events of the chosen phase or class gives an empty record.
        """
        from .errors import ConfigurationError
        if phase is not None and phase not in PHASES:
            raise ConfigurationError(
                f"phase must be one of {', '.join(PHASES)}, got {phase!r}")
        for option, name, example in (("neuron", neuron, "o1"), ("weight", weight, "w5")):
            if name is not None and not isinstance(name, str):
                raise ConfigurationError(f"{option} must be one name (a str), e.g. "
                                         f"{option}={example!r}, got {name!r}")
        kind = getattr(kind, "__name__", kind)
        if kind is not None and kind not in EVENT_TYPES:
            raise ConfigurationError(f"kind must be an event class or its name, one of "
                                     f"{', '.join(EVENT_TYPES)}, got {kind!r}")
        result = StepRecord([e for e in self.events if phase in (None, e.phase) and
                             kind in (None, type(e).__name__) and
                             all(name is None or name in e.names for name in (neuron, weight))])
        result._origin = self._origin if self._origin is not None else self
        if not result.events:       # a name no event involves is a typo
            for option, name in (("neuron", neuron), ("weight", weight)):
                if name is not None:
                    result._origin._check_known(option, name)
        return result

    def _check_known(self, option, name):
        """Raise UnknownNameError when no event of this record involves ``name``."""
        from .errors import UnknownNameError
        known = {"neuron": {}, "weight": {}}        # dicts: names in order of appearance
        for e in self.events:
            for field, value in zip(e._fields, e):
                known["weight" if field in PARAMETER_FIELDS else "neuron"].update(
                    dict.fromkeys(as_names(value, field)))
        every = known["neuron"] | known["weight"]
        if not every or name in every:
            return
        mine = sorted(known[option], key=_natural)
        close = list(dict.fromkeys([*(n for n in every if n.lower() == name.lower()),
                                    *difflib.get_close_matches(name, mine, n=3)]))
        shown = mine if len(mine) <= 10 else mine[:5] + ["..."] + mine[-2:]
        hint = (f"did you mean {', '.join(close[:3])}?" if close else
                f"its {'neurons' if option == 'neuron' else 'weights and biases'} are "
                f"{', '.join(shown)}")
        raise UnknownNameError(f"{option}: no event of this record involves {name!r}; {hint}")

    def to_jsonl(self):
        """The events as JSON Lines, one ``to_dict()`` per line."""
        return "".join(json.dumps(e.to_dict()) + "\n" for e in self.events)

    @classmethod
    def from_jsonl(cls, text):
        """The record :meth:`to_jsonl` wrote: ``StepRecord.from_jsonl(r.to_jsonl()) == r``.

        ``text`` is the text of the file (``bytes`` are read as UTF-8), or a file's path as a
        :class:`pathlib.Path` (a ``str`` is the text itself), read as
        :func:`neurosim.files.read_text` reads: a device, a FIFO nothing is written to or a
        file past 1 GiB is a :class:`~neurosim.errors.FileError`, a missing file the usual
        :class:`OSError`. Each line is checked, field by field.
        """
        from .errors import ConfigurationError, FormatError
        if isinstance(text, os.PathLike):
            from .files import MAX_WRITTEN_BYTES, read_text
            text = read_text(text, "record file", max_bytes=MAX_WRITTEN_BYTES,
                             raw_os_errors=True)
        if isinstance(text, (bytes, bytearray)):
            try:
                text = bytes(text).decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise FormatError(f"the record is not UTF-8 text: byte {error.start} is "
                                  f"{bytes(text)[error.start:error.start + 1]!r}") from None
        if not isinstance(text, str):
            raise ConfigurationError(f"from_jsonl takes the text of a .jsonl file (str) or "
                                     f"its path (pathlib.Path), got {text!r}")
        events = []
        for number, line in enumerate(_lines(text.lstrip("\ufeff")), 1):  # (a byte order mark
            if line.strip():                                              # some editors write)
                check_nesting(line, f"line {number}")
                try:
                    events.append(Event.from_dict(json.loads(line)))
                except FormatError as error:
                    raise FormatError(f"line {number}: {error}") from None
                except ValueError as error:
                    raise FormatError(f"line {number} is not JSON: {error}"
                                      f"{_path_hint(text)}") from None
        return cls(events)

    def __eq__(self, other):
        if not isinstance(other, StepRecord):
            return NotImplemented
        return self.events == other.events

    def __iter__(self):
        return iter(self.events)

    def __len__(self):
        return len(self.events)

    def __getitem__(self, index):
        return self.events[index]

    def __str__(self):
        return "\n".join(str(e) for e in self.events)

    def __repr__(self):
        return f"<StepRecord of {len(self.events)} events>"

    def _repr_html_(self):
        from .render.notebook import record_html
        return record_html(self)
