"""neurosim: backpropagation simulated neuron by neuron, with every partial derivative to read.

>>> from neurosim import NeuralNetwork
>>> net = NeuralNetwork.from_weights(
...     [[[0.15, 0.20], [0.25, 0.30]],     # w1 w2 / w3 w4: inputs -> h1, h2
...      [[0.40, 0.45], [0.50, 0.55]]],    # w5 w6 / w7 w8: h1, h2 -> o1, o2
...     biases=[0.35, 0.60], bias="shared", train_biases=False, learning_rate=0.5)
>>> error = net.train([0.05, 0.10], [0.01, 0.99])
>>> round(net["o1"].delta, 9), round(net["w5"], 8)
(0.138498562, 0.35891648)
"""

from .gradient_check import gradcheck
from .hand_check import check
from .render.worksheet import worksheet
from .errors import (ConfigurationError, FileError, FormatError, GradientCheckError,
                     InputError, NeurosimError, NumericalError, ShapeError, UnknownNameError)
from .layer import NeuronLayer, Parameter
from .network import NeuralNetwork
from .neuron import Neuron
from . import events, record

events.StepRecord = record.StepRecord   # neurosim.events.StepRecord, without an import cycle

__version__ = "0.1.0"

__all__ = [
    "NeuralNetwork", "NeuronLayer", "Neuron", "Parameter", "gradcheck", "worksheet", "check",
    "NeurosimError", "ConfigurationError", "ShapeError", "InputError", "UnknownNameError",
    "NumericalError", "GradientCheckError", "FormatError",
    "FileError", "__version__",
]
