"""The headings and prose of the worksheets, in English and in Chinese (the seeds' classrooms).

A message is a template whose ``{0}``, ``{1}`` ... are formulas (trees of
:mod:`neurosim.render.mathml`) or plain values; :func:`say` splits it into segments that each
renderer writes its own way (plain text, inline LaTeX, inline MathML).

The Chinese wording follows seed 001 (前向传播, 反向传播, 计算总误差, 隐含层---->输出层的权值更新).
"""

import functools
import re

from ..errors import ConfigurationError

__all__ = ["LANGUAGES", "say", "text"]

LANGUAGES = ("en", "zh")

#: How a hidden neuron's dE/dout is found, before the rule's weights are named.
_HIDDEN = ("A hidden neuron's output reaches every neuron of the next layer, so {0} sums the "
           "messages {1} coming back along its connections.",
           "隐含层神经元的输出影响下一层的每个神经元，所以 {0} 是沿各连接传回的 {1} 之和")

_MESSAGES = {
    "title": ("Backpropagation, one step by hand", "反向传播：手算一步"),
    "subtitle": ("{0} trained once on one sample; every number below follows from the one "
                 "before by the formula beside it.",
                 "{0} 在一个样本上训练一步；下面每个数都由前面的数按旁边的公式算出。"),
    "convention_note": ("This sheet writes delta as the book does, {0}: the error signal (with "
                        "{1}). neurosim's own delta is {2}, the same number with its sign "
                        "turned; the step is the same, every delta below is neurosim's negated.",
                        "本表按教材的写法取 {0}：误差信号（其中 {1}）。neurosim 自己的 delta 是 "
                        "{2}，数值相同、符号相反；计算步骤不变，下面每个 delta 都是 neurosim 的取负。"),
    "given": ("The network and the sample", "网络、样本与初值"),
    "inputs": ("inputs", "输入"),
    "targets": ("targets", "目标输出"),
    "target": ("target {0}", "目标 {0}"),
    "weights": ("weights", "初始权重"),
    "biases": ("biases", "偏置（截距项）"),
    "biases_fixed": ("(not updated in this example)", "（本例不更新）"),
    "rules": ("rules", "规则"),
    "learning_rate": ("learning rate {0}", "学习率 {0}"),
    "activation": ("activation {0}", "激活函数 {0}"),
    "loss": ("error of an output {0}", "每个输出的误差 {0}"),
    "weight_decay": ("weight decay {0}: dE/dw gains {1}", "权重衰减 {0}：dE/dw 加上 {1}"),
    "momentum": ("momentum {0}", "动量 {0}"),
    "forward": ("Step {0}: the forward pass", "Step {0} 前向传播"),
    "forward_prose": ("Each neuron adds up its weighted inputs and its bias, {0}, and squashes "
                      "the sum with its activation: {1}.",
                      "每个神经元先求输入的加权和再加上偏置，{0}，再用激活函数得到输出：{1}。"),
    "input_layer": ("input layer", "输入层"),
    "hidden_layer": ("hidden layer", "隐含层"),
    "hidden_layer_k": ("hidden layer {0}", "隐含层{0}"),
    "output_layer": ("output layer", "输出层"),
    "from_to": ("{0} \u2192 {1}", "{0}---->{1}"),
    "error": ("Step {0}: the total error", "Step {0} 计算总误差"),
    "error_prose": ("Each output neuron has its own error term; the total error is their sum.",
                    "每个输出神经元各有一项误差，总误差为各项之和。"),
    "gradients": ("Step {0}: {1}: gradients and new weights", "Step {0} {1}的权值更新"),
    "output_prose": ("How much does a change in a weight change the total error? The chain "
                     "rule multiplies the local derivatives along the path: {0}.",
                     "权重的变化对总误差有多大影响？用链式法则把路径上的偏导数相乘：{0}。"),
    "hidden_prose": (_HIDDEN[0] + " The weights in them are the ones from before the update.",
                     _HIDDEN[1] + "；这里用的是更新前的权重。"),
    "hidden_prose_updated": (_HIDDEN[0] + " Here the weights in them are the already updated ones "
                             "(hidden_deltas=\"updated_weights\"): not backpropagation, but "
                             "the rule behind some printed figures.",
                             _HIDDEN[1] + "。此处用的是已经更新过的权重"
                             "（hidden_deltas=\"updated_weights\"）：这不是标准的反向传播，"
                             "只是为了复现某些已发表的数字。"),
    "neuron": ("neuron {0}", "神经元 {0}"),
    "shared_bias": ("shared bias {0}", "共享偏置 {0}"),
    "new_weights": ("new weights", "更新权值"),
    "input_gradients": ("the gradients on the inputs", "输入的梯度"),
    "input_prose": ("An input reaches every neuron of the first layer, so {0} sums the "
                    "messages {1} coming back, as a hidden neuron's does (the weights before "
                    "the update). Nothing is updated with it; it is the gradient an earlier "
                    "layer or network would receive.",
                    "输入影响第一层的每个神经元，所以 {0} 与隐含层神经元一样，是传回的 {1} "
                    "之和（用更新前的权重）。它不用于更新，是更前面的层或网络会收到的梯度。"),
    "update_prose": ("Gradient descent moves every weight against its gradient: {0}, with {1}.",
                     "梯度下降：每个权重沿梯度的反方向移动，{0}，其中 {1}。"),
    "update_prose_momentum": ("With momentum every weight moves by its velocity: {0}.",
                              "带动量时每个权重按其速度移动：{0}。"),
    "bias_gradients_only": ("The biases are not updated in this example; their gradients are "
                            "shown for completeness.",
                            "本例不更新偏置，其梯度仅列出供参考。"),
    "after": ("Step {0}: the error after the update", "Step {0} 更新后的误差"),
    "after_prose": ("The same sample through the updated network: the total error goes from "
                    "{0} to {1}.",
                    "用更新后的权重对同一样本再做一次前向传播：总误差从 {0} 变为 {1}。"),
    "total_error": ("the total error", "总误差"),
    "only_neurons": ("Only the neurons {0} are written out.", "只写出神经元 {0} 的计算。"),
    "matrix_prose": ("Beside the neuron-by-neuron lines, each layer is also written in matrix "
                     "form, the whole layer at once as NumPy and PyTorch compute it: one row of {0} per "
                     "neuron, one column per input of the layer; {1} multiplies entry by entry. "
                     "Every entry is a number of the lines above.",
                     "除了逐个神经元的计算，每一层还写成矩阵形式，像 NumPy 和 PyTorch 那样整层一起计算："
                     "{0} 的每一行对应一个神经元，每一列对应该层的一个输入；{1} 表示逐元素相乘。"
                     "矩阵中的每个数都来自上面的逐行计算。"),
    "matrix_form": ("the same layer in matrix form", "矩阵形式"),
    "hint": ("Point at a connection (or tap it) to highlight the factors of its gradient.",
             "将鼠标移到连线上（或点击连线），即可高亮其梯度的各个因子。"),
    "diagram": ("The network before the update: each connection is labelled with its weight.",
                "更新前的网络：每条连线上标出其权重。"),
    "diagram_hover": ("The network before the update: its {0} connections are too many to label "
                      "(more than {1}); point at a connection, tap it or move to it with Tab to "
                      "see its weight.",
                      "更新前的网络：共 {0} 条连线，超过 {1} 条，不逐一标注；将鼠标移到连线上、"
                      "点击连线或用 Tab 键选中连线，即可看到其权重。"),
}

_FIELD = re.compile(r"\{(\d+)\}")


def _index(lang):
    if lang not in LANGUAGES:
        raise ConfigurationError(f"lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return LANGUAGES.index(lang)


def say(lang, key, *args):
    """The message as segments: strings, and the ``args`` where their fields stand.

    >>> say("en", "from_to", "a", "b")
    ['a', ' → ', 'b']
    """
    parts = _FIELD.split(_MESSAGES[key][_index(lang)])   # text, field, text, ...
    return [args[int(part)] if k % 2 else part for k, part in enumerate(parts) if k % 2 or part]


def text(lang, key, *args):
    """The message with plain values filled in (for headings)."""
    return "".join(map(str, say(lang, key, *args)))


def speaker(lang):
    """:func:`say` and :func:`text` in ``lang``: ``say, text = speaker("zh")``."""
    _index(lang)
    return functools.partial(say, lang), functools.partial(text, lang)
