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

Each name is given once: a second claim or setting of the same name is refused (a JSON reader
would keep the last of two equal keys and drop the first without a word). A byte order mark at
the start is not part of the text. A printed number's last digit must be worth from 1e-323 to
1e308: half a unit of it is the claim's tolerance, and ``0e999`` would allow any value.

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

import difflib
import json
import math
import os
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from numbers import Real

from ..errors import FormatError
from ..json_nesting import check_nesting
from .slips import significant_digits

__all__ = ["Claim", "ClaimSheet", "parse", "parse_text", "parse_json", "parse_mapping", "read",
           "SETTINGS", "half_unit"]

#: Keys that set the problem rather than claim a number (eta is learning_rate).
SETTINGS = ("network", "inputs", "targets", "learning_rate", "weight_decay", "loss", "bias",
            "train_biases", "hidden_deltas", "samples", "mode", "epoch_error")
_ALIASES = {"eta": "learning_rate", "lr": "learning_rate", "input": "inputs",
            "target": "targets"}
_TOL = re.compile(r"\s*(?:±|\+/-|\+-)\s*")
_LONG_RUN = re.compile(r"^(.+)@([0-9]+)$")
#: The range of the last printed digit's worth, 10**exponent: half a unit of it is a claim's
#: tolerance, so it must be a positive finite float (0.5e-323 is the smallest, 0.5e308 the
#: largest below the float limit of about 1.8e308).
EXPONENTS = (-323, 308)


def half_unit(text):
    """Half a unit of the last printed digit: ``"0.593269992"`` -> 5e-10, ``"2"`` -> 0.5.

    >>> half_unit("0.593269992"), half_unit("0.3775"), half_unit("1.5e-9")
    (5e-10, 5e-05, 5e-11)
    """
    return float(Decimal("0.5").scaleb(Decimal(text).as_tuple().exponent))


@dataclass(frozen=True)
class Claim:
    """One printed number: ``name`` (canonical), ``text`` as printed, its float ``value``,
    an explicit ``tol`` or None (then the printed digits decide), a ``label``, and where it
    stands: the ``line`` of a text, the ``path`` of a JSON key (``$.claims.out_h1``).
    """

    name: str
    text: str
    value: float
    tol: float = None
    label: str = ""
    line: int = None
    path: str = None

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
        return significant_digits(Decimal(self.text))

    @property
    def base(self):
        """The quantity's name without ``@N``."""
        return _LONG_RUN.sub(r"\1", self.name)

    @property
    def steps(self):
        """N of a long-run name ``NAME@N``, else None."""
        match = _LONG_RUN.match(self.name)
        return int(match.group(2)) if match else None

    def where(self):
        return f"line {self.line}" if self.line else self.path or repr(short(self.name))


@dataclass
class ClaimSheet:
    """A parsed claims file: the ``settings`` (dict), the named ``givens`` and the ``claims``
    in file order (both lists of :class:`Claim`; which names are givens is decided once the
    network is known, so both stay together in ``entries`` until then)."""

    settings: dict
    entries: list
    source: str = "<claims>"
    #: The book's names for neurosim's (``name w46 = w7``: {"w46": "w7"}).
    names: dict = None
    #: The book's conventions (``convention: delta = -dE/dnet``: {"delta": "-dE/dnet"}).
    conventions: dict = None


def _value(text, where, tol=None, label="", name="", **position):
    """A Claim from the printed text ``"0.3775"`` or ``"0.3775 ± 1e-4"``."""
    text = _text(text, where, "a number")
    parts = _TOL.split(text, maxsplit=1)
    if len(parts) == 2:
        text, tol = parts
    if tol is not None:
        tol_text, tol = tol, _number(tol, where, "a tolerance")
        if tol < 0:
            raise FormatError(f"{where}: a tolerance must not be negative, got "
                              f"{short(tol_text)!r}")
    value = _number(text, where, "a number")
    exponent = Decimal(text.strip()).as_tuple().exponent
    low, high = EXPONENTS
    if not low <= exponent <= high:  # 0e999: an infinite tolerance; 1e-400: none at all
        raise FormatError(f"{where}: expected a number whose last printed digit is worth from "
                          f"1e{low} to 1e{high} (half a unit of it is the claim's tolerance), "
                          f"got {short(text)!r}, whose last digit is worth 1e{exponent}\n"
                          f"print the number as computed, e.g. 0.593269992")
    return Claim(name, text.strip(), value, tol, label, **position)


def _text(value, where, what):
    """The printed text of a number given as a str, a Decimal (JSON), an int or a float.

    Another real number (a Fraction) has no printed digits: it is taken as the float nearest
    to it, printed as ``repr`` prints a float, as a float claim is.
    """
    if isinstance(value, Real) and not isinstance(value, (bool, int, float)):
        try:
            value = float(value)
        except OverflowError:  # Fraction(10**400)
            raise FormatError(f"{where}: expected a finite number, got {_kind(value)}, which "
                              f"is beyond the largest float (about 1.8e308)") from None
    if isinstance(value, bool) or not isinstance(value, (str, Decimal, int, float)):
        raise FormatError(f"{where}: expected {what}, got {_kind(value)}")
    return str(value).strip()


def _number(text, where, what):
    text = _text(text, where, what)
    try:
        d = Decimal(text)
    except (InvalidOperation, ValueError):
        raise FormatError(f"{where}: expected {what}, got {short(text)!r}") from None
    if not d.is_finite():
        raise FormatError(f"{where}: expected a finite number, got {short(text)!r}")
    x = float(d)
    if math.isinf(x):  # a finite decimal past the largest float (1e999) becomes inf
        raise FormatError(f"{where}: expected a finite number, got {short(text)!r}, which is "
                          f"beyond the largest float (about 1.8e308)")
    return x


def _kind(value):
    """What a value is, for a message: its repr when short, else its type and size (a list
    nested 100,000 deep has no repr: it would exceed the recursion limit)."""
    if isinstance(value, (list, tuple, dict)):
        what = "an object with {} key" if isinstance(value, dict) else "a list of {} item"
        return what.format(len(value)) + ("" if len(value) == 1 else "s")
    if isinstance(value, (str, bytes)):
        return repr(short(value)) if isinstance(value, str) else repr(value[:40])
    return short(repr(value))


def close_to(name, names):
    """``'; did you mean a, b?'`` naming those of ``names`` close to ``name``, else ``''``."""
    close = difflib.get_close_matches(name, list(names), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(close)}?" if close else ""


def short(text):
    """The text as received, cut to 40 characters (a number may be printed to 5,000 digits)."""
    text = str(text).strip()
    return text if len(text) <= 40 else f"{text[:20]}...{text[-15:]} ({len(text)} characters)"



def _setting(key, value, where):
    if key in ("inputs", "targets"):
        items = value if isinstance(value, (list, tuple)) else \
            _text(value, where, f"numbers for {key}").replace(",", " ").split()
        if not items:
            raise FormatError(f"{where}: {key} needs at least one number")
        return [_number(v, where, f"numbers for {key}") for v in items]
    if key in ("learning_rate", "weight_decay"):
        return _number(value, where, f"a number for {key}")
    if key == "samples":     # "1 1 -> 0; 0 1 -> 1", or JSON [[[1, 1], [0]], ...]
        return _samples(value, where)
    if key == "mode":
        mode = _text(value, where, "online or batch").lower()
        if mode not in ("online", "batch"):
            raise FormatError(f"{where}: mode must be online or batch, got {short(mode)!r}")
        return mode
    if key == "epoch_error":
        from ..epoch_error import epoch_error
        from ..errors import ConfigurationError
        try:
            return epoch_error(_text(value, where, "the words of a per-epoch error"))
        except ConfigurationError as error:
            raise FormatError(f"{where}: {error}") from None
    if key == "train_biases":
        word = str(value).strip().lower() if isinstance(value, (bool, str)) else None
        if word not in ("true", "false", "yes", "no", "1", "0"):
            raise FormatError(f"{where}: train_biases must be true or false, got "
                              f"{_kind(value)}")
        return word in ("true", "yes", "1")
    return _text(value, where, f"a name for {key}")


def _samples(value, where):
    """The data set: ``"x1 x2 -> t; ..."`` (a text) or a list of ``[inputs, targets]`` pairs."""
    listed = isinstance(value, (list, tuple))
    items = value if listed else [p for p in _text(
        value, where, "samples such as '1 1 -> 0; 0 1 -> 1'").split(";") if p.strip()]
    if not items:
        raise FormatError(f"{where}: samples needs at least one 'inputs -> targets'")
    out = []
    for k, item in enumerate(items):
        if listed and not (isinstance(item, (list, tuple)) and len(item) == 2
                           and all(isinstance(side, (list, tuple)) for side in item)):
            raise FormatError(f"{where}[{k}]: expected [inputs, targets] (two lists of "
                              f"numbers), got {_kind(item)}")
        if not listed and "->" not in item:
            raise FormatError(f"{where}: sample {k + 1}: expected 'inputs -> targets' "
                              f"(such as '1 1 -> 0'), got {short(item)!r}")
        x, t = item if listed else [side.replace(",", " ").split() for side in item.split("->", 1)]
        if not x or not t:
            raise FormatError(f"{where}: sample {k + 1} needs inputs and targets")
        out.append(([_number(v, where, "numbers for samples") for v in x],
                    [_number(v, where, "numbers for samples") for v in t]))
    return out


def parse_text(text, source="<claims>"):
    """Parse the plain-text form (see the module docstring) into a :class:`ClaimSheet`.

    >>> sheet = parse_text("inputs = 0.05, 0.1\\nout_h1 = 0.593269992  # f(net_h1)")
    >>> sheet.settings, sheet.entries[0].name, sheet.entries[0].label, sheet.entries[0].line
    ({'inputs': [0.05, 0.1]}, 'out_h1', 'f(net_h1)', 2)
    """
    sheet = ClaimSheet({}, [], source, {}, {})

    def items():  # in the order of the lines: the first error found is the first in the text
        for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
            line, _, comment = raw.partition("#")
            where = f"{source} line {number}"
            if not line.strip():
                continue
            if line.split()[0] == "name" or line.split()[0].startswith("convention:"):
                _book_line(line, where, sheet.names, sheet.conventions)
                continue
            name, eq, value = line.partition("=")
            if not eq or not name.strip() or not value.strip():
                raise FormatError(f"{where}: expected 'name = value', got {short(raw)!r}")
            yield (name.strip(), value, where, f"line {number}", dict(line=number),
                   comment.strip())
    return _filled(sheet, items())


def _filled(sheet, items):
    """``sheet`` with its settings and claims from ``items``, each ``(name, value, where,
    at, position, label)``: ``at`` says where for a message, ``position`` for the Claim."""
    given = {}
    for name, value, where, at, position, label in items:
        key = _ALIASES.get(name, name)
        if key in SETTINGS:  # eta and learning_rate are one setting, given once
            if key in given:
                raise FormatError(f"{where}: {key} is given twice (also {given[key]})\n"
                                  f"give each setting once")
            given[key] = at
            sheet.settings[key] = _setting(key, value, where)
            continue
        tol = None
        if isinstance(value, dict):
            if "value" not in value or set(value) - {"value", "tol", "label"}:
                raise FormatError(f"{where}: expected {{\"value\": ..., \"tol\": ..., "
                                  f"\"label\": ...}}, got the keys "
                                  f"{', '.join(sorted(map(repr, value)))}")
            value, tol, label = value["value"], value.get("tol"), value.get("label", "")
            if not isinstance(label, str):
                raise FormatError(f"{where}.label: expected a text, got {_kind(label)}")
        elif not isinstance(value, (Decimal, str, Real)) or isinstance(value, bool):
            raise FormatError(f"{where}: expected a number, a string or an object, got "
                              f"{_kind(value)}")
        sheet.entries.append(_value(value, where, tol, label, "".join(name.split()), **position))
    return sheet


def parse_json(text, source="<claims>"):
    """Parse the JSON form into a :class:`ClaimSheet` (numbers keep their printed digits).

    >>> sheet = parse_json('{"network": "mazur", "claims": {"w7+": 0.511301270, '
    ...                    '"E_total": {"value": "0.298371109", "tol": 1e-9}}}')
    >>> [(c.name, c.text, c.tol) for c in sheet.entries]
    [('w7+', '0.511301270', None), ('E_total', '0.298371109', 1e-09)]
    """
    check_nesting(text, source)
    try:
        doc = json.loads(text.removeprefix("\ufeff"), parse_float=Decimal, parse_int=Decimal,
                         object_pairs_hook=lambda pairs: _object(pairs, source))
    except json.JSONDecodeError as error:
        raise FormatError(f"{source}: not valid JSON: {error}") from None
    return parse_mapping(doc, source)


def _object(pairs, source):
    """A JSON object as a dict, refusing a key given twice (``json`` would keep the last)."""
    seen = set()
    twice = next((key for key, _ in pairs if key in seen or seen.add(key)), None)
    if twice is not None:
        raise FormatError(f"{source}: the key {short(twice)!r} appears twice in one object; "
                          f"a JSON reader keeps only the last of the two, so the first would be "
                          f"dropped unchecked\ngive each name once")
    return dict(pairs)


def parse_mapping(doc, source="<claims>"):
    """A :class:`ClaimSheet` from a dict of names and values (the JSON form, already parsed).

    Give printed numbers as strings (or decimals) to keep their digits: a float such as 0.10
    has forgotten its last zero.
    """
    if not isinstance(doc, dict):
        raise FormatError(f"{source}: expected a JSON object of names and values, "
                          f"got {type(doc).__name__}")
    claims = doc.get("claims", {})
    if not isinstance(claims, dict):
        raise FormatError(f"{source}: $.claims must be an object of names and values")
    sheet = ClaimSheet({}, [], source, {}, {})

    def items():
        for name, value, *group in [(k, v) for k, v in doc.items() if k != "claims"] + [
                (k, v, "claims") for k, v in claims.items()]:
            if not isinstance(name, str):
                raise FormatError(f"{source}: expected names as strings ('out_h1'), got "
                                  f"{type(name).__name__} {short(repr(name))}")
            if name.startswith(("_", "#")):  # a comment: {"_source": "seed 002, section 2.1"}
                continue
            if name in ("names", "convention") and not group:
                _book_json(name, value, f"{source} $.{name}", sheet.names, sheet.conventions)
                continue
            path = "$." + ".".join(group + [short(name)])
            yield name, value, f"{source} {path}", path, dict(path=path), ""
    return _filled(sheet, items())


#: The conventions a claims file may declare, and what each means (see _book_line).
CONVENTIONS = {"delta": ("-dE/dnet", "dE/dnet")}
#: A name as books write them (Greek letters too): w46, theta3, δ1.
_BOOK_NAME = re.compile(r"[A-Za-z_\u0370-\u03ff][\w\u0370-\u03ff]*")


def _book_line(line, where, names, conventions):
    """``name w46 = w7``: the book calls neurosim's w7 w46 (and w7+ w46+, dE/dw7 dE/dw46);
    ``convention: delta = -dE/dnet``: the book's delta is the error signal -dE/dnet (with
    e = t - y), neurosim's with the sign turned; ``delta = dE/dnet`` is neurosim's own."""
    head, eq, value = line.partition("=")
    words = head.split()
    if words[0] == "name":
        book = " ".join(words[1:])
        ours = value.strip()
        if not eq or len(words) != 2 or not _BOOK_NAME.fullmatch(book) or not ours:
            raise FormatError(f"{where}: expected 'name BOOK = NEUROSIM' (such as 'name w46 = "
                              f"w7'), got {short(line)!r}")
        if book in names:
            raise FormatError(f"{where}: the name {book!r} is mapped twice\n"
                              f"map each of the book's names once")
        names[book] = "".join(ours.split())
        return
    what, rule = head.split(":", 1)[1].strip(), "".join(value.split())
    if what not in CONVENTIONS or rule not in CONVENTIONS[what]:
        raise FormatError(f"{where}: expected 'convention: delta = -dE/dnet' (the book's "
                          f"error signal) or 'convention: delta = dE/dnet', got "
                          f"{short(what)!r} = {short(rule)!r}")
    if what in conventions:
        raise FormatError(f"{where}: the convention for {what} is given twice")
    conventions[what] = rule


def in_our_names(name, names):
    """A claim's name with the book's names (``name w46 = w7``) turned into neurosim's, also
    inside a longer name: ``w46+`` -> ``w7+``, ``dE/dw46`` -> ``dE/dw7``."""
    def ours(match):
        token = match[0]
        if token[:1] == "d" and token[1:] in names and token not in names:  # dw46 in dE/dw46
            return "d" + names[token[1:]]
        return names.get(token, token)
    return _BOOK_NAME.sub(ours, name) if names else name


def _book_json(key, value, where, names, conventions):
    """The JSON form: ``"names": {"w46": "w7"}`` and ``"convention": "delta = -dE/dnet"``."""
    if key == "names":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise FormatError(f"{where}: expected an object of the book's names and neurosim's "
                              f"({{\"w46\": \"w7\"}}), got {_kind(value)}")
        for book, ours in value.items():
            _book_line(f"name {book} = {ours}", f"{where}.{short(book)}", names, conventions)
        return
    if not isinstance(value, str) or "=" not in value:
        raise FormatError(f"{where}: expected a text such as \"delta = -dE/dnet\", got "
                          f"{_kind(value)}")
    _book_line(f"convention: {value}", where, names, conventions)


def parse(text, source="<claims>"):
    """JSON when the text starts with ``{``, else the plain-text form."""
    json_form = text.removeprefix("\ufeff").lstrip().startswith("{")
    return (parse_json if json_form else parse_text)(text, source)


def read(path):
    """Read and parse a claims file."""
    from ..errors import FileError
    from ..files import MAX_TYPED_BYTES, read_text   # one reader: devices, FIFOs, size, UTF-8
    try:
        text = read_text(path, "claims file", max_bytes=MAX_TYPED_BYTES)
    except FileError as error:  # an unreadable claims file is a FormatError, as it always was
        raise FormatError(str(error)) from None
    return parse(text, os.path.basename(os.fspath(path)))
