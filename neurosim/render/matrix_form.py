"""The worksheet's step in matrix form: a whole layer at once, with its numbers.

Seed 000 derives the step with matrices; NumPy and PyTorch compute it that way. Beside the
neuron-by-neuron lines, ``worksheet(..., matrix=True)`` writes for each layer ``l`` (one row of
``W_l`` per neuron, one column per input of the layer; ``x_l`` the layer's inputs: the sample,
or the outputs of the layer below)::

    z_l = W_l x_l + b_l                       out_l = f(z_l)
    δ_o = ∂E/∂out_o ⊙ f'(z_o)                 (the output layer)
    δ_h = (W_oᵀ δ_o) ⊙ f'(z_h)                (a hidden layer: the layer above's weights)
    ∂E/∂W_l = δ_l x_lᵀ                        W_l+ = W_l − η ∂E/∂W_l

Every entry is a value the step computed, read by name from the step's quantities
(``net_h1``, ``delta_o1``, ``dE/dw5``, ``w5+`` ...), never recomputed here: the matrix lines are
the neuron lines regrouped, so that a student sees the two are one computation. Each function
gives the lines as ``(name, tree, phase)``.

With ``sign=-1`` (the worksheet's ``convention="delta = -dE/dnet"``) δ is the books' error
signal, the step's δ negated exactly: δ_o = -∂E/∂out_o ⊙ f'(z_o), δ_h = (W_oᵀ δ_o) ⊙ f'(z_h)
(the same form, with the books' δ_o), ∂E/∂W = -δ xᵀ and W+ = W + η δ xᵀ.

Layers are labelled ``h`` and ``o`` (one hidden layer, as the issue and seed 000 write them), or
``1`` ... ``L`` in a deeper network.
"""

from ..formula import Func, Matrix, Mul, Neg, Paren, Pow, Sym, equation, number, partial, row

__all__ = ["forward_lines", "backward_lines", "update_lines"]

T = Sym("T")


def labels(net):
    """The layers' subscripts: ``["h", "o"]`` for one hidden layer, else ``["1", ..., "L"]``."""
    n = len(net.layers)
    return ["h", "o"] if n == 2 else ["o"] if n == 1 else [str(k + 1) for k in range(n)]


class _Layer:
    """Layer ``k`` of ``net`` with the values ``v`` (a step's quantities by name); ``sign`` -1:
    its δ in the books' sign."""

    def __init__(self, net, v, k, digits, sign=1):
        self.v, self.digits, self.layer = v, digits, net.layers[k]
        self.neurons = [n.name for n in self.layer.neurons]
        self.label = labels(net)[k]
        inputs = net.input_names if k == 0 else [f"out_{n.name}" for n in net.layers[k - 1].neurons]
        self.x = self.matrix([v[i] for i in inputs])
        self.x_sym = Sym("x") if k == 0 else Sym("out", labels(net)[k - 1])
        self.delta = self.matrix(self.column("delta_{}", sign))

    def column(self, form, sign=1):
        """The column of the values ``form.format(neuron)`` (``"delta_{}"``), times ``sign``."""
        return [sign * self.v[form.format(n)] for n in self.neurons]

    def matrix(self, values):
        return Matrix.of(values, self.digits)

    def weights(self, form="{}"):
        """The matrix of the values ``form.format(weight)`` (``"{}+"``: the new weights)."""
        return self.matrix([[self.v[form.format(w)] for w in n.weight_names]
                            for n in self.layer.neurons])

    def sym(self, base, sup=None):
        return Sym(base, self.label, sup)

    def outer(self):
        """δ xᵀ, as symbols and with the numbers."""
        return (Mul(self.sym("δ"), Pow(self.x_sym, T), False),
                Mul(self.delta, Pow(self.x, T), False))

    def line(self, name, phase, *sides):
        """The line ``matrix name_label``: the layer's symbol ``name`` = the ``sides``."""
        left = self.sym({"delta": "δ", "W+": "W"}.get(name, name), "+" if name == "W+" else None)
        return (f"matrix {name}_{self.label}", equation(left, *sides), phase)


def forward_lines(net, values, k, digits):
    """``z = W x + b`` and ``out = f(z)`` of layer ``k``."""
    L = _Layer(net, values, k, digits)
    symbols, numbers = Mul(L.sym("W"), L.x_sym, False), Mul(L.weights(), L.x, False)
    if L.layer.bias_mode != "none":
        biases = [values[n.bias_name] for n in L.layer.neurons]
        symbols, numbers = row(symbols, "+", L.sym("b")), row(numbers, "+", L.matrix(biases))
    z = L.matrix(L.column("net_{}"))
    return [L.line("z", "forward", symbols, numbers, z),
            L.line("out", "forward", Func("f", (L.sym("z"),)), Func("f", (z,)),
                   L.matrix(L.column("out_{}")))]


def backward_lines(net, values, k, digits, sign=1):
    """``δ`` of layer ``k`` (from ``∂E/∂out``, or the layer above's ``Wᵀ δ``) and ``∂E/∂W``;
    ``sign=-1``: δ in the books' sign, -∂E/∂net."""
    L = _Layer(net, values, k, digits, sign)
    df = Func("f'", (L.sym("z"),))
    dE_dout = [values.get(f"dE/dout_{n}") for n in L.neurons]
    if None in dE_dout or L.layer.activation.name == "softmax":
        # a partial not defined alone, or a Jacobian rather than f'(z): δ as the step found it
        lines = [L.line("delta", "backward", L.delta)]
    else:
        f_prime = L.matrix(L.column("dout_{0}/dnet_{0}"))
        sides = [row(L.matrix([sign * d for d in dE_dout]), "⊙", f_prime), L.delta]
        if k == len(net.layers) - 1:
            message = partial("E_total", f"out_{L.label}")
            message = Neg(message) if sign < 0 else message
        else:       # the message back is the layer above's W^T delta (Mazur: its weights before
            above = _Layer(net, values, k + 1, digits, sign)   # the update, unless the book's)
            plus = "+" if net.hidden_deltas == "updated_weights" else ""
            message = Paren(Mul(Pow(above.sym("W", plus or None), T), above.sym("δ"), False))
            sides.insert(0, row(Paren(Mul(Pow(above.weights("{}" + plus), T), above.delta,
                                          False)), "⊙", f_prime))
        lines = [L.line("delta", "backward", row(message, "⊙", df), *sides)]
    symbols, numbers = L.outer()
    if sign < 0:        # dE/dW = -δ xᵀ with the books' δ
        symbols, numbers = Neg(symbols), Neg(numbers)
    if net.weight_decay:
        symbols = row(symbols, "+", Mul(Sym("λ"), L.sym("W"), False))
        numbers = row(numbers, "+", Mul(number(net.weight_decay, digits), L.weights(), False))
    lines.append((f"matrix dE/dW_{L.label}", equation(partial("E_total", f"W_{L.label}"), symbols,
                                                      numbers, L.weights("dE/d{}")), "backward"))
    return lines


def update_lines(net, values, k, digits, sign=1):
    """``W+ = W − η ∂E/∂W`` of layer ``k`` (none with momentum: there the step goes through
    each weight's velocity, written neuron by neuron); ``sign=-1``: ``W+ = W + η δ xᵀ`` with
    the books' δ (without weight decay)."""
    if net.momentum:
        return []
    L = _Layer(net, values, k, digits, sign)
    if sign < 0 and not net.weight_decay:
        op, (symbols, numbers) = "+", L.outer()
    else:
        op, symbols, numbers = "-", partial("E_total", f"W_{L.label}"), L.weights("dE/d{}")
    eta = number(net.learning_rate, digits)
    return [L.line("W+", "update", row(L.sym("W"), op, Mul(Sym("η"), symbols, False)),
                   row(L.weights(), op, Mul(eta, numbers, False)), L.weights("{}+"))]
