"""The exceptions neurosim raises.

One domain exception, :class:`NeurosimError`, and a few subclasses that also derive from the
builtin each one refines, as :class:`statistics.StatisticsError` derives from ``ValueError``.
Code that catches ``ValueError`` (or ``KeyError``, ``TypeError``, ``AssertionError``) keeps
working; code that wants only neurosim's errors catches :class:`NeurosimError`.

Messages are one lower-case sentence: what was required, what came, where; then, on a second
line, the fix where there is one::

    layer 2 (output) expects 2 inputs, got 3: [0.05, 0.1, 0.2]
"""

__all__ = [
    "NeurosimError",
    "ConfigurationError",
    "ShapeError",
    "InputError",
    "UnknownNameError",
    "NumericalError",
    "GradientCheckError",
    "FormatError",
    "FileError",
]


class NeurosimError(Exception):
    """Base class of every error neurosim raises on purpose."""


class ConfigurationError(NeurosimError, ValueError):
    """A constructor option or setting has a value neurosim cannot use."""


class ShapeError(NeurosimError, ValueError):
    """A list of inputs, targets, weights or biases has the wrong length or nesting."""


class InputError(NeurosimError, ValueError):
    """An input, target or parameter value is not a finite real number."""


class UnknownNameError(NeurosimError, KeyError):
    """No neuron, weight or bias has the name asked for (``net["w9"]``)."""

    def __str__(self):
        # KeyError.__str__ shows the repr of its argument; show the sentence itself.
        return str(self.args[0]) if self.args else ""


class NumericalError(NeurosimError, ValueError, ArithmeticError):
    """A step produced a NaN or an infinity; the weights were left as they were before it."""


class GradientCheckError(NeurosimError, AssertionError):
    """Analytic and numeric derivatives disagree (raised by ``report.assert_ok()``)."""


class FormatError(NeurosimError, ValueError):
    """A saved network or claims file is malformed; the message names the bad field."""


class FileError(NeurosimError, OSError):
    """A file neurosim will not read or write as asked: a device, a FIFO nothing is written to,
    a file past the size limit, a read-only or hard-linked file to replace (see
    :mod:`neurosim.files`). An :class:`OSError` too, so ``except OSError`` around saving and
    loading still catches it."""
