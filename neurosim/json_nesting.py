"""How deep JSON text nests, measured before :func:`json.loads` is given it.

``json.loads`` recurses once per level of ``[`` or ``{``. On CPython a deeply nested text raises
:class:`RecursionError`, which is not a :class:`ValueError` and slips past ``except ValueError``
as a bare traceback. Under Pyodide (CPython compiled to WebAssembly) the machine stack can run
out before Python's recursion limit is reached, and then the whole interpreter dies with a
"fatal error" no ``except`` can catch: Pyodide 314.0 (Python 3.14) survives 5,000 levels and
dies at 10,000.

No text neurosim reads nests more than a few levels (a saved network: document, layers, layer,
neurons, neuron, weights = 6), so anything deeper than :data:`MAX_DEPTH` is refused before it
is parsed, the same way on every Python.

>>> nesting_depth('{"layers": [{"weights": [0.15, 0.2]}], "name": "[[[["}')
4
>>> check_nesting("[" * 5000 + "]" * 5000, where="$")
Traceback (most recent call last):
...
neurosim.errors.FormatError: $: the JSON is nested too deeply (more than 100 levels of [ and {)
"""

import itertools
import re

from .errors import FormatError

#: The deepest nesting of ``[`` and ``{`` neurosim reads; its own files use at most 6 levels.
MAX_DEPTH = 100

# A JSON string, escapes included (the unrolled form of "(?:[^"\\]|\\.)*": no backtracking).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_A_BRACKET = re.compile(r'[^\[\]{}]+')
#: How each bracket moves the depth: one level in at [ and {, one out at ] and }.
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def nesting_depth(text, limit=MAX_DEPTH):
    """The deepest nesting of ``[`` and ``{`` in JSON ``text``, outside its strings.

    The depth reported stops at ``limit + 1`` (a text a million levels deep is just "too
    deep"); the running depth is summed in C (``map``, ``accumulate``, ``max``), so that costs
    no more than the regular expressions that strip the strings. Brackets need not match (the
    parser reports that); only the depth is measured.
    """
    brackets = _NOT_A_BRACKET.sub("", _STRING.sub('""', text))
    return min(limit + 1, max(itertools.accumulate(map(_STEP.__getitem__, brackets), initial=0)))


def check_nesting(text, where):
    """Raise :class:`~neurosim.errors.FormatError` if ``text`` nests deeper than MAX_DEPTH.

    ``where`` starts the message (``"$"``, ``"line 3"``, a file name), as the caller's other
    format errors do.
    """
    if nesting_depth(text) > MAX_DEPTH:
        raise FormatError(f"{where}: the JSON is nested too deeply (more than {MAX_DEPTH} levels "
                          "of [ and {)")
