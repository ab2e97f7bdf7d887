"""Mazur's code structure, generalised: objects and a method call per connection.

This is the Python listing of seed 001 (Mazur, "A Step by Step Backpropagation Example",
2015, as reproduced in the Chinese post): ``NeuralNetwork`` -> ``NeuronLayer`` -> ``Neuron``,
with ``calculate_output``, ``calculate_pd_error_wrt_total_net_input``,
``calculate_pd_total_net_input_wrt_weight(index)`` and friends called once per neuron or per
connection. It is the "written like the seed" row of the benchmark: the same arithmetic as
neurosim and the flat reference, in the style most readers first meet.

Departures from the listing, each deliberate:

* any number of layers (the listing has exactly one hidden layer): hidden deltas are
  propagated down layer by layer with the same loop the listing uses for its one hidden layer;
* biases: either shared by a layer and frozen (the listing's rule, Mazur's b1 and b2) or one per
  neuron and trained (``bias -= LEARNING_RATE * delta``, dE/db = delta); the listing never
  updates biases;
* the listing's ``self.bias = bias if bias else random.random()`` replaces a bias of 0.0 by a
  random number (0.0 is falsy); here only a missing bias (``None``) is drawn at random;
* initial weights come in the benchmark's ``weights[l][j][i]`` layout (rows = receivers)
  instead of the listing's flat lists; ``inspect`` and the printing demo are left out.

As in the listing, every delta is computed before any weight changes (steps 1 and 2 before
steps 3 and 4), so the hidden deltas use the original weights.
"""

import math
import random

__all__ = ["NeuralNetwork", "NeuronLayer", "Neuron"]


class NeuralNetwork:
    LEARNING_RATE = 0.5

    def __init__(self, num_inputs, layer_weights, layer_biases=None, *, shared_bias=False,
                 train_biases=True, learning_rate=None):
        """``layer_weights[l][j][i]``: into neuron j of layer l+1 from neuron i of layer l.

        ``layer_biases[l]``: a number (shared by the layer, or the start value of every neuron)
        or a list with one bias per neuron; ``None`` (or a ``None`` entry) draws at random.
        """
        self.num_inputs = num_inputs
        if learning_rate is not None:
            self.LEARNING_RATE = learning_rate
        self.train_biases = train_biases and not shared_bias
        self.layers = []
        for l, weights in enumerate(layer_weights):
            bias = None if layer_biases is None else layer_biases[l]
            layer = NeuronLayer(len(weights), bias, shared=shared_bias)
            self.layers.append(layer)
            self.init_weights(layer, weights, num_inputs if l == 0 else len(layer_weights[l - 1]))

    @classmethod
    def from_weights(cls, weights, biases=None, *, bias="per_neuron", train_biases=True,
                     learning_rate=0.5):
        """Build from the benchmark's workload description (the same keywords as neurosim)."""
        if bias == "none":
            biases, bias = [0.0] * len(weights), "shared"
        return cls(len(weights[0][0]), weights, biases, shared_bias=(bias == "shared"),
                   train_biases=train_biases, learning_rate=learning_rate)

    def init_weights(self, layer, weights, num_inputs):
        for h in range(len(layer.neurons)):
            for i in range(num_inputs):
                if not weights:
                    layer.neurons[h].weights.append(random.random())
                else:
                    layer.neurons[h].weights.append(weights[h][i])

    @property
    def output_layer(self):
        return self.layers[-1]

    def feed_forward(self, inputs):
        outputs = inputs
        for layer in self.layers:
            outputs = layer.feed_forward(outputs)
        return outputs

    def train(self, training_inputs, training_outputs):
        self.feed_forward(training_inputs)

        # 1. output neurons: dE/dnet
        output_neurons = self.output_layer.neurons
        pd_errors_wrt_output_neuron_total_net_input = [0] * len(output_neurons)
        for o in range(len(output_neurons)):
            # dE/dz_j
            pd_errors_wrt_output_neuron_total_net_input[o] = \
                output_neurons[o].calculate_pd_error_wrt_total_net_input(training_outputs[o])

        # 2. hidden neurons, top down: dE/dnet from the layer above (its original weights)
        pd_errors = [None] * len(self.layers)
        pd_errors[-1] = pd_errors_wrt_output_neuron_total_net_input
        for l in range(len(self.layers) - 2, -1, -1):
            hidden_layer = self.layers[l]
            upper_layer = self.layers[l + 1]
            upper_pd_errors = pd_errors[l + 1]
            pd_errors_wrt_hidden_neuron_total_net_input = [0] * len(hidden_layer.neurons)
            for h in range(len(hidden_layer.neurons)):
                # dE/dy_j = sum dE/dz_j * dz/dy_j = sum dE/dz_j * w_ij
                d_error_wrt_hidden_neuron_output = 0
                for o in range(len(upper_layer.neurons)):
                    d_error_wrt_hidden_neuron_output += \
                        upper_pd_errors[o] * upper_layer.neurons[o].weights[h]
                # dE/dz_j = dE/dy_j * dy_j/dz_j
                pd_errors_wrt_hidden_neuron_total_net_input[h] = d_error_wrt_hidden_neuron_output \
                    * hidden_layer.neurons[h].calculate_pd_total_net_input_wrt_input()
            pd_errors[l] = pd_errors_wrt_hidden_neuron_total_net_input

        # 3. update every layer's weights (and per-neuron biases), top down
        for l in range(len(self.layers) - 1, -1, -1):
            neurons = self.layers[l].neurons
            layer_pd_errors = pd_errors[l]
            for n in range(len(neurons)):
                for w in range(len(neurons[n].weights)):
                    # dE_j/dw_ij = dE/dz_j * dz_j/dw_ij
                    pd_error_wrt_weight = \
                        layer_pd_errors[n] * neurons[n].calculate_pd_total_net_input_wrt_weight(w)
                    # delta w = alpha * dE_j/dw_i
                    neurons[n].weights[w] -= self.LEARNING_RATE * pd_error_wrt_weight
                if self.train_biases:
                    # dE/db = dE/dz_j * dz_j/db = dE/dz_j * 1
                    neurons[n].bias -= self.LEARNING_RATE * layer_pd_errors[n]

    def calculate_total_error(self, training_sets):
        total_error = 0
        for t in range(len(training_sets)):
            training_inputs, training_outputs = training_sets[t]
            self.feed_forward(training_inputs)
            for o in range(len(training_outputs)):
                total_error += self.output_layer.neurons[o].calculate_error(training_outputs[o])
        return total_error

    def final_weights(self):
        """``(weights[l][j][i], biases[l][j])`` now, in the workload layout."""
        return ([[list(n.weights) for n in layer.neurons] for layer in self.layers],
                [[n.bias for n in layer.neurons] for layer in self.layers])


class NeuronLayer:
    def __init__(self, num_neurons, bias, shared=False):
        # Mazur: the neurons of a layer share one bias b (fixed here: 0.0 is a bias too)
        if isinstance(bias, (list, tuple)):
            biases = [b if b is not None else random.random() for b in bias]
        else:
            value = bias if bias is not None else random.random()
            biases = [value] * num_neurons
        self.bias = biases[0] if shared else None

        self.neurons = []
        for i in range(num_neurons):
            self.neurons.append(Neuron(self.bias if shared else biases[i]))

    def feed_forward(self, inputs):
        outputs = []
        for neuron in self.neurons:
            outputs.append(neuron.calculate_output(inputs))
        return outputs

    def get_outputs(self):
        outputs = []
        for neuron in self.neurons:
            outputs.append(neuron.output)
        return outputs


class Neuron:
    def __init__(self, bias):
        self.bias = bias
        self.weights = []

    def calculate_output(self, inputs):
        self.inputs = inputs
        self.output = self.squash(self.calculate_total_net_input())
        return self.output

    def calculate_total_net_input(self):
        total = 0
        for i in range(len(self.inputs)):
            total += self.inputs[i] * self.weights[i]
        return total + self.bias

    # logistic sigmoid
    def squash(self, total_net_input):
        return 1 / (1 + math.exp(-total_net_input))

    def calculate_pd_error_wrt_total_net_input(self, target_output):
        return self.calculate_pd_error_wrt_output(target_output) \
            * self.calculate_pd_total_net_input_wrt_input()

    # each output's error is half its squared difference
    def calculate_error(self, target_output):
        return 0.5 * (target_output - self.output) ** 2

    def calculate_pd_error_wrt_output(self, target_output):
        return -(target_output - self.output)

    def calculate_pd_total_net_input_wrt_input(self):
        return self.output * (1 - self.output)

    def calculate_pd_total_net_input_wrt_weight(self, index):
        return self.inputs[index]
