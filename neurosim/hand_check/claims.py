"""Claims: the numbers of a hand calculation, read from a small text or JSON file.

Plain text, one ``name = value`` a line, ``#`` for comments; a comment after a claim is its
label in the report::

    # Mazur (2015), the first forward pass
    network = mazur                 # a worked example (mazur, seed002); the default is mazur
    inputs = 0.05, 0.10             # the sample, when the network file does not hold it
    targets = 0.01, 0.99
    learning_rate = 0.5
    out_h1 = 0.593269992            # a claim, checked to half a unit of its last digit
    dE/dw5 = 0.082167041 ± 1e-9     # a claim with its own tolerance (also +- or +/-)
    E_total@10000 = 0.0000351085    # the error after 10,000 updates on the sample

JSON holds the same names as keys, optionally grouped under ``"claims"``; a value is a number, a
string (``"0.511301270"``: keeps the printed zeros as written), or ``{"value": ..., "tol": ...,
"label": ...}``. Keys starting with ``_`` or ``#`` are comments (``"_source": "..."``).

Names are the worksheet's (:mod:`neurosim.quantities`), in any spelling
:func:`~neurosim.quantities.canonical` accepts (``dE_total/dnet_o1`` for ``delta_o1``). Two kinds
of names are *givens*, not claims: the settings ``network``, ``inputs``, ``targets``,
``learning_rate`` (or ``eta``), ``weight_decay``, ``loss``, ``bias``, ``train_biases``,
``hidden_deltas``; and the values the calculation starts from: inputs (``i1``), targets
(``target_o1``), weights and biases (``w1``, ``b1``, ``b_h1``). A given sets the problem.

A name ending in ``@N`` is a long-run figure: the quantity after N updates on the same sample,
with the stated rules (``E_total@10000``, ``out_o1@10000``, ``w5@100``; N from 1 to 100,000).
Its base is a forward quantity (``net_*``, ``out_*``, ``E_*``, ``E_total``) or a weight or bias.
"""

import json
import math
import os
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..errors import FormatError
from ..json_nesting import check_nesting

__all__ = ["Claim", "ClaimSheet", "parse", "parse_text", "parse_json", "parse_mapping", "read",
           "SETTINGS", "half_unit"]

#: Keys that set the problem rather than claim a number (eta is learning_rate).
SETTINGS = ("network", "inputs", "targets", "learning_rate", "weight_decay", "loss", "bias",
            "train_biases", "hidden_deltas")
_ALIASES = {"eta": "learning_rate", "lr": "learning_rate", "input": "inputs",
            "target": "targets"}
_TOL = re.compile(r"\s*(?:±|\+/-|\+-)\s*")
_LONG_RUN = re.compile(r"^(.+)@(\d+)$")


def half_unit(text):
    """Half a unit of the last printed digit: ``"0.593269992"`` -> 5e-10, ``"2"`` -> 0.5.

    >>> half_unit("0.593269992"), half_unit("0.3775"), half_unit("1.5e-9")
    (5e-10, 5e-05, 5e-11)
    """
    return float(Decimal("0.5").scaleb(Decimal(text).as_tuple().exponent))


@dataclass(frozen=True)
class Claim:
    """One printed number: ``name`` (canonical), ``text`` as printed, its float ``value``,
    an explicit ``tol`` or None (then the printed digits decide), a ``label`` and the ``line``.
    """

    name: str
    text: str
    value: float
    tol: float = None
    label: str = ""
    line: int = None

    @property
    def half(self):
        """Half a unit of the last printed digit."""
        return half_unit(self.text)

    @property
    def decimals(self):
        """How many digits are printed after the decimal point (negative for 12e3)."""
        return -Decimal(self.text).as_tuple().exponent

    @property
    def significant(self):
        """How many significant digits are printed."""
        digits = Decimal(self.text).as_tuple().digits
        return max(1, len(digits) - next((k for k, d in enumerate(digits) if d), len(digits)))

    @property
    def base(self):
        """The quantity's name without ``@N``."""
        match = _LONG_RUN.match(self.name)
        return match.group(1) if match else self.name

    @property
    def steps(self):
        """N of a long-run name ``NAME@N``, else None."""
        match = _LONG_RUN.match(self.name)
        return int(match.group(2)) if match else None

    def where(self):
        return f"line {self.line}" if self.line else repr(self.name)


@dataclass
class ClaimSheet:
    """A parsed claims file: the ``settings`` (dict), the named ``givens`` and the ``claims``
    in file order (both lists of :class:`Claim`; which names are givens is decided once the
    network is known, so both stay together in ``entries`` until then)."""

    settings: dict
    entries: list
    source: str = "<claims>"


def _value(text, where, tol=None, label="", name=""):
    """A Claim from the printed text ``"0.3775"`` or ``"0.3775 ± 1e-4"``."""
    text = str(text).strip()
    parts = _TOL.split(text, maxsplit=1)
    if len(parts) == 2:
        text, tol_text = parts
        tol = _number(tol_text, where, "a tolerance")
        if tol < 0:
            raise FormatError(f"{where}: a tolerance must not be negative, got {tol_text!r}")
    elif tol is not None:
        tol = _number(tol, where, "a tolerance")
    value = _number(text, where, "a number")
    return Claim(name, str(text).strip(), value, tol, label)


def _number(text, where, what):
    try:
        d = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise FormatError(f"{where}: expected {what}, got {str(text).strip()!r}") from None
    if not d.is_finite():
        raise FormatError(f"{where}: expected a finite number, got {str(text).strip()!r}")
    x = float(d)
    if math.isinf(x):  # a finite decimal past the largest float (1e999) becomes inf
        raise FormatError(f"{where}: expected a finite number, got {_short(text)!r}, which is "
                          f"beyond the largest float (about 1.8e308)")
    return x


def _short(text):
    """The text as received, cut to 40 characters (a number may be printed to 5,000 digits)."""
    text = str(text).strip()
    return text if len(text) <= 40 else f"{text[:20]}...{text[-15:]} ({len(text)} characters)"


def _setting(key, value, where):
    if key in ("inputs", "targets"):
        items = value if isinstance(value, (list, tuple)) else str(value).replace(",", " ").split()
        if not items:
            raise FormatError(f"{where}: {key} needs at least one number")
        return [_number(v, where, f"numbers for {key}") for v in items]
    if key in ("learning_rate", "weight_decay"):
        return _number(value, where, f"a number for {key}")
    if key == "train_biases":
        word = str(value).strip().lower()
        if word not in ("true", "false", "yes", "no", "1", "0"):
            raise FormatError(f"{where}: train_biases must be true or false, got {value!r}")
        return word in ("true", "yes", "1")
    return str(value).strip()


def parse_text(text, source="<claims>"):
    """Parse the plain-text form (see the module docstring) into a :class:`ClaimSheet`.

    >>> sheet = parse_text("inputs = 0.05, 0.1\\nout_h1 = 0.593269992  # f(net_h1)")
    >>> sheet.settings, sheet.entries[0].name, sheet.entries[0].label, sheet.entries[0].line
    ({'inputs': [0.05, 0.1]}, 'out_h1', 'f(net_h1)', 2)
    """
    settings, entries = {}, []
    for number, raw in enumerate(text.splitlines(), start=1):
        line, _, comment = raw.partition("#")
        if not line.strip():
            continue
        where = f"{source} line {number}"
        name, eq, value = line.partition("=")
        if not eq or not name.strip() or not value.strip():
            raise FormatError(f"{where}: expected 'name = value', got {raw.strip()!r}")
        key = _ALIASES.get(name.strip(), name.strip())
        if key in SETTINGS:
            settings[key] = _setting(key, value, where)
            continue
        claim = _value(value, where, label=comment.strip(), name="".join(name.split()))
        entries.append(_with(claim, line=number))
    return ClaimSheet(settings, entries, source)


def parse_json(text, source="<claims>"):
    """Parse the JSON form into a :class:`ClaimSheet` (numbers keep their printed digits).

    >>> sheet = parse_json('{"network": "mazur", "claims": {"w7+": 0.511301270, '
    ...                    '"E_total": {"value": "0.298371109", "tol": 1e-9}}}')
    >>> [(c.name, c.text, c.tol) for c in sheet.entries]
    [('w7+', '0.511301270', None), ('E_total', '0.298371109', 1e-09)]
    """
    check_nesting(text, source)
    try:
        doc = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except json.JSONDecodeError as error:
        raise FormatError(f"{source}: not valid JSON: {error}") from None
    return parse_mapping(doc, source)


def parse_mapping(doc, source="<claims>"):
    """A :class:`ClaimSheet` from a dict of names and values (the JSON form, already parsed).

    Give printed numbers as strings (or decimals) to keep their digits: a float such as 0.10
    has forgotten its last zero.
    """
    if not isinstance(doc, dict):
        raise FormatError(f"{source}: expected a JSON object of names and values, "
                          f"got {type(doc).__name__}")
    settings, entries = {}, []
    items = [(k, v) for k, v in doc.items() if k != "claims"]
    claims = doc.get("claims", {})
    if not isinstance(claims, dict):
        raise FormatError(f"{source}: $.claims must be an object of names and values")
    items += list(claims.items())
    for name, value in items:
        if not isinstance(name, str):
            raise FormatError(f"{source}: expected names as strings ('out_h1'), got "
                              f"{type(name).__name__} {name!r}")
        if name.startswith(("_", "#")):  # a comment: {"_source": "seed 002, section 2.1"}
            continue
        key = _ALIASES.get(name, name)
        where = f"{source} $.{name}"
        if key in SETTINGS:
            settings[key] = _setting(key, value, where)
            continue
        if isinstance(value, dict):
            unknown = set(value) - {"value", "tol", "label"}
            if "value" not in value or unknown:
                raise FormatError(f"{where}: expected {{\"value\": ..., \"tol\": ..., "
                                  f"\"label\": ...}}, got keys {sorted(value)}")
            claim = _value(value["value"], where, value.get("tol"), str(value.get("label", "")),
                           "".join(name.split()))
        elif isinstance(value, (Decimal, str, int, float)) and \
                not isinstance(value, bool):
            claim = _value(value, where, name="".join(name.split()))
        else:
            raise FormatError(f"{where}: expected a number, a string or an object, got {value!r}")
        entries.append(claim)
    return ClaimSheet(settings, entries, source)


def parse(text, source="<claims>"):
    """JSON when the text starts with ``{``, else the plain-text form."""
    if text.lstrip().startswith("{"):
        return parse_json(text, source)
    return parse_text(text, source)


def read(path):
    """Read and parse a claims file."""
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except OSError as error:
        raise FormatError(f"cannot read claims file {os.fspath(path)!r}: "
                          f"{error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise FormatError(f"claims file {os.fspath(path)!r} is not UTF-8 text (byte "
                          f"{error.start}: {error.object[error.start:error.start + 1]!r})"
                          "\nsave it as UTF-8 text and check it again") from None
    except ValueError as error:  # a path open() refuses, such as one with a NUL character
        raise FormatError(f"cannot read claims file {os.fspath(path)!r}: {error}") from None
    return parse(text, os.path.basename(os.fspath(path)))


def _with(claim, **changes):
    from dataclasses import replace
    return replace(claim, **changes)
