"""What the classroom page calls in the browser: neurosim's own step, run in Pyodide, as JSON.

The page (``page.js``) computes no number of the calculation. It keeps the page's *state*, a
JSON object, and hands it here with every action; each function answers with JSON text:

``state``      ``{"network": <the saved network, as net.save() writes it>, "inputs": [...],
               "targets": [...], "lang": "en"}``
:func:`step`   the step of that network on that sample: every event of neurosim's step record
               in order (one message each), then the same sample's forward pass after the update;
               each message with its name, value, formula (the worksheet's MathML) and the
               connection or neuron it belongs to; the parameters; the SVG diagram
:func:`edit`   the state with one weight, bias, input, target or the learning rate changed
:func:`train`  the state after N updates on the sample
:func:`check`  typed answers judged by ``neurosim check``
:func:`training_start`, :func:`training_run`, :func:`training_neuron`: the training view

Every value goes out twice: ``value``, ``repr(float)`` (full precision, for ``data-value``),
and ``shown``, the hand calculation's nine significant digits. A bad value from the page comes
back as ``{"error": "one line"}``, the same sentence the command line prints.

The functions run the same on CPython, so the unit tests call them directly:

>>> import json
>>> out = json.loads(step(json.dumps(example("mazur"))))
>>> [(m["name"], m["shown"]) for m in out["messages"] if m["name"] in ("out_h1", "w5+")]
[('out_h1', '0.593269992'), ('w5+', '0.35891648')]
"""

import json
import math

from .. import quantities
from ..errors import ConfigurationError, InputError, NeurosimError
from ..events import Update, num
from ..render import i18n
from ..formula import Row, to_text
from ..render.mathml import to_mathml
from ..render.svg import diagram
from ..render.worksheet import event_formula
from ..serialize import from_document, to_document

__all__ = ["example", "state_of", "problem", "step", "edit", "load_network", "train", "check",
           "training_start", "training_run", "training_neuron", "DATASETS", "MAX_RUN", "TEXTS"]

#: The most updates one "run N steps" or one training call may ask for (the page stays live).
MAX_RUN = 100_000

#: The data sets of the training view: neurosim.datasets functions of two inputs, one output.
DATASETS = ("xor", "circle", "xor_quadrants", "gaussians", "spiral", "and_gate", "or_gate")

#: The page's words in English and Chinese (the worksheet's own headings are in
#: :mod:`neurosim.render.i18n`); ``page.js`` puts them where ``data-text="KEY"`` stands.
TEXTS = {"en": {}, "zh": {}}
for _key, _en, _zh in (
        ('title', "Backpropagation, live: the hand calculation on neurosim's own engine",
         '反向传播实时演示：用 neurosim 自己的引擎手算'),
        ('loading', 'Loading Python (Pyodide) and neurosim...',
         '正在加载 Python（Pyodide）和 neurosim……'),
        ('file_notice', 'This page runs neurosim in the browser, which browsers refuse for a '
                        'page opened from the disk. In a terminal, in this folder, run: '
                        'neurosim page --serve. Meanwhile, here is the static worksheet.',
         '此页面在浏览器中运行 neurosim，但浏览器不允许从本地磁盘直接打开的页面这样做。'
         '请在终端中进入此文件夹并运行：neurosim page --serve。下面先显示静态的计算表。'),
        ('step_view', 'Step',
         '单步'),
        ('train_view', 'Train',
         '训练'),
        ('back', 'Back',
         '后退'),
        ('next', 'Next',
         '下一步'),
        ('next_phase', 'Next phase',
         '下一阶段'),
        ('finish', 'Finish',
         '完成'),
        ('reset', 'Reset',
         '重置'),
        ('run', 'Run steps',
         '训练几步'),
        ('steps', 'steps',
         '步'),
        ('large', 'Large type',
         '大字号'),
        ('export', 'Export network',
         '导出网络'),
        ('import', 'Import network',
         '导入网络'),
        ('share', 'Copy link',
         '复制链接'),
        ('copied', 'The link to this exact page is in the address bar (copied if the browser '
                   'allowed).',
         '此页面状态的链接已在地址栏中（浏览器允许时已复制）。'),
        ('keys', 'Keys: \u2192 next, \u2190 back, P next phase, F finish, R reset',
         '快捷键：\u2192 下一步，\u2190 后退，P 下一阶段，F 完成，R 重置'),
        ('message', 'Message {0} of {1}',
         '第 {0} 条，共 {1} 条'),
        ('start', 'Press Next (or \u2192) to compute the first message of the step.',
         '按“下一步”（或 \u2192）计算第一条消息。'),
        ('parameters', 'Parameters (edit any; everything recomputes)',
         '参数（可直接修改，立即重新计算）'),
        ('values', 'Values computed so far',
         '已算出的值'),
        ('learning_rate', 'learning rate \u03b7',
         '学习率 \u03b7'),
        ('forward', 'forward pass',
         '前向传播'),
        ('error', 'total error',
         '总误差'),
        ('backward', 'backward pass',
         '反向传播'),
        ('update', 'new weights',
         '更新权值'),
        ('after', 'after the update',
         '更新后'),
        ('ran', '{0} steps done: E_total is now {1}',
         '已训练 {0} 步：E_total 现为 {1}'),
        ('exercise', 'Exercise',
         '练习'),
        ('teacher', 'Teacher: tick the values to hide, then share the link',
         '教师：勾选要隐藏的值，然后分享链接'),
        ('hide', 'hide',
         '隐藏'),
        ('answer', 'your answer',
         '你的答案'),
        ('check', 'Check',
         '检查'),
        ('right', 'right',
         '正确'),
        ('rounding', 'right (rounding)',
         '正确（舍入误差）'),
        ('wrong', 'wrong',
         '错误'),
        ('dataset', 'Data set',
         '数据集'),
        ('hidden', 'Hidden layers',
         '隐含层'),
        ('activation', 'Activation',
         '激活函数'),
        ('play', 'Play',
         '开始'),
        ('pause', 'Pause',
         '暂停'),
        ('epoch', 'Epoch',
         '轮次'),
        ('one_epoch', 'One epoch',
         '一轮'),
        ('restart', 'Restart',
         '重新开始'),
        ('accuracy', 'accuracy',
         '准确率'),
        ('loss', 'total error over the data set',
         '数据集上的总误差'),
        ('boundary', 'Output over the plane (orange: class 0, blue: class 1)',
         '平面上的输出（橙色：0 类，蓝色：1 类）'),
        ('inspect', 'Click a neuron to open its numbers',
         '点击神经元查看其数值'),
        ('neuron_out', 'out of {0} over the plane',
         '{0} 的输出在平面上的分布'),
        ('noise', 'Noise',
         '噪声'),
        ('labels_hidden', 'This network has many connections: the weights are shown on hover.',
         '此网络连接较多：将鼠标移到连线上查看权重。'),
        ('engine_error', 'neurosim could not start in the browser: {0}',
         'neurosim 无法在浏览器中启动：{0}'),
        ('bad_link', "The link's state could not be read ({0}); the page opened with its own "
                     "network.",
         '无法读取链接中的状态（{0}）；页面使用默认网络。'),
):
    TEXTS["en"][_key], TEXTS["zh"][_key] = _en, _zh
for _key in ("inputs", "targets", "weights", "biases"):     # the worksheet's own words
    for _lang in TEXTS:
        TEXTS[_lang][_key] = i18n.text(_lang, _key)


def _answer(function):
    """Wrap a bridge function: JSON in, JSON out, a NeurosimError as ``{"error": text}``."""
    def wrapped(*args):
        try:
            return json.dumps(function(*args), allow_nan=False)
        except NeurosimError as error:
            return json.dumps({"error": str(error)})
    wrapped.__name__, wrapped.__doc__ = function.__name__, function.__doc__
    wrapped.__wrapped__ = function
    return wrapped


def example(name="mazur"):
    """The state of a published example (``neurosim.worked_examples.EXAMPLES``) as a dict."""
    from ..worked_examples import EXAMPLES
    if name not in EXAMPLES:
        raise ConfigurationError(f"example must be one of {', '.join(sorted(EXAMPLES))}, "
                                 f"got {name!r}")
    build, inputs, targets = EXAMPLES[name]
    return state_of(build(), inputs, targets)


def state_of(net, inputs, targets, lang="en"):
    """The page's state of ``net`` and its sample."""
    return {"network": to_document(net), "inputs": [float(x) for x in inputs],
            "targets": [float(t) for t in targets], "lang": lang}


def problem(state):
    """(net, inputs, targets) of a state (its JSON text or dict), checked."""
    if isinstance(state, str):
        try:
            state = json.loads(state)
        except ValueError as error:
            raise InputError(f"the page's state must be JSON, got an error: {error}") from None
    if not isinstance(state, dict) or not {"network", "inputs", "targets"} <= set(state):
        raise InputError("the page's state must be an object with network, inputs and "
                         f"targets, got {str(state)[:80]!r}")
    net = from_document(state["network"])
    inputs = net._vector(state["inputs"], "inputs", net.layer_sizes[0])
    targets = net._vector(state["targets"], "targets", net.layer_sizes[-1])
    return net, inputs, targets


def _shown(x):
    return num(x, 9)


def _message(event, net, weights, after):
    """One event as the page shows it."""
    name = quantities.name_of(event) + ("+" if after else "")
    value = quantities.from_events([event], "+" if after else "")[name]
    tree = event_formula(event, net, after=after)
    items = tree.items if isinstance(tree, Row) else (tree,)
    question = Row(tuple(items[:3])) if len(items) > 3 else tree    # name = the symbols
    edge = getattr(event, "weight_name", None)
    if type(event) is Update and event.name in weights:
        edge = event.name
    if type(event).__name__ == "BackwardMessage":
        neuron = event.sender               # the message enters the hidden neuron it names
    else:
        neuron = getattr(event, "neuron", None) or getattr(event, "receiver", None)
    return {"name": name, "value": repr(value), "shown": _shown(value),
            "phase": "after" if after else event.phase, "edge": edge, "neuron": neuron,
            "text": to_text(tree),
            "mathml": _pieces(tree), "question": _pieces(question)}


def _pieces(tree):
    """The formula as one ``<math>`` per side of its ``=`` signs, so that a long line wraps at
    an ``=`` on a narrow screen (as the HTML worksheet writes its lines)."""
    items = tree.items if isinstance(tree, Row) else (tree,)
    parts, current = [], []
    for item in items:
        if item == "=" and current:
            parts.append(current)
            current = []
        current.append(item)
    parts.append(current)
    return "".join(f'<math displaystyle="true">{to_mathml(Row(tuple(part)))}</math>'
                   for part in parts)


@_answer
def step(state):
    """The step of the state's network on its sample: messages, parameters and diagram."""
    net, inputs, targets = problem(state)
    worked = quantities.worked_step(net, inputs, targets)
    weights = {w for n in net.neurons for w in n.weight_names}
    messages = [_message(e, net, weights, False) for e in worked.record]
    messages += [_message(e, net, weights, True) for e in worked.after
                 if type(e).__name__ != "ForwardMessage"]
    parameters = [{"name": i, "kind": "input", "value": repr(x)}
                  for i, x in zip(net.input_names, inputs)]
    parameters += [{"name": f"target_{n.name}", "kind": "target", "value": repr(t)}
                   for n, t in zip(net.output_layer.neurons, targets)]
    for name in net.parameter_names():
        parameters.append({"name": name, "kind": "weight" if name in weights else "bias",
                           "value": repr(float(net[name]))})
    parameters.append({"name": "learning_rate", "kind": "rule",
                       "value": repr(float(net.learning_rate))})
    new = {n: worked.values[n + "+"] for n in net.parameter_names() if n + "+" in worked.values}
    return {"messages": messages, "parameters": parameters,
            "svg": diagram(net, inputs=inputs, targets=targets, new_weights=new),
            "summary": repr(net), "trains_biases": net.train_biases}


def _number(name, text):
    """The float a page field holds, or an InputError naming the field."""
    try:
        value = float(str(text).strip())
    except ValueError:
        raise InputError(f"{name} must be a number, got {str(text)[:40]!r}") from None
    if not math.isfinite(value):
        raise InputError(f"{name} must be a finite number, got {text!r}")
    return value


@_answer
def edit(state, name, text):
    """The state with the parameter ``name`` (``w5``, ``b1``, ``i1``, ``target_o1`` or
    ``learning_rate``) set to the number ``text``."""
    state = json.loads(state) if isinstance(state, str) else state
    net, inputs, targets = problem(state)
    value = _number(name, text)
    outputs = [f"target_{n.name}" for n in net.output_layer.neurons]
    if name in net.input_names:
        inputs[list(net.input_names).index(name)] = value
    elif name in outputs:
        targets[outputs.index(name)] = value
    elif name == "learning_rate":
        document = to_document(net)
        document["learning_rate"] = value
        net = from_document(document)       # the saved format's own checks
    elif name in net.parameter_names():
        net[name] = value
    else:
        raise InputError(f"no parameter of this network is named {name!r}; the page edits "
                         f"{', '.join(list(net.input_names) + outputs + net.parameter_names())}"
                         f" and learning_rate")
    return dict(state, **state_of(net, inputs, targets, state.get("lang", "en")))


@_answer
def load_network(state, text):
    """The state with the network of ``text`` (a saved network's JSON, as an imported file
    holds); the sample is kept where its sizes fit, else zeros of the new sizes."""
    from ..serialize import loads
    state = json.loads(state) if isinstance(state, str) else state
    net = loads(text)
    inputs, targets = state.get("inputs", []), state.get("targets", [])
    if len(inputs) != net.layer_sizes[0]:
        inputs = [0.0] * net.layer_sizes[0]
    if len(targets) != net.layer_sizes[-1]:
        targets = [0.0] * net.layer_sizes[-1]
    return dict(state, **state_of(net, inputs, targets, state.get("lang", "en")))


@_answer
def train(state, count):
    """The state after ``count`` updates on its sample, and the error before each update."""
    state = json.loads(state) if isinstance(state, str) else state
    net, inputs, targets = problem(state)
    count = int(_number("the number of steps", count)) if not isinstance(count, int) else count
    if not 1 <= count <= MAX_RUN:
        raise InputError(f"the number of steps must be from 1 to {MAX_RUN:,}, got {count}")
    errors = [net.train(inputs, targets) for _ in range(count)]
    after = net.total_error([(inputs, targets)])
    return {"state": dict(state, **state_of(net, inputs, targets, state.get("lang", "en"))),
            "steps": count, "first": repr(errors[0]), "E_total": repr(after),
            "shown": _shown(after)}


@_answer
def check(state, answers):
    """The typed ``answers`` (JSON ``{"net_h1": "0.3775", ...}``) judged by ``neurosim check``
    against the state's step: per name its status (right, rounding, wrong) and explanation."""
    from ..hand_check import check as judge
    net, inputs, targets = problem(state)
    answers = json.loads(answers) if isinstance(answers, str) else answers
    claims = {name: str(text).strip() for name, text in answers.items() if str(text).strip()}
    if not claims:
        raise InputError("type a value to check first: every answer is blank")
    report = judge(claims, net, inputs, targets)
    return {"ok": report.ok, "results": [
        {"name": r.name, "status": r.status, "kind": r.kind, "explanation": r.explanation}
        for r in report.results]}


# -- the training view ----------------------------------------------------------------------------

class _Training:
    """A network training on a 2-D data set: kept between calls, as the page trains in ticks."""

    def __init__(self, config):
        from .. import datasets
        from ..network import NeuralNetwork
        name = config.get("dataset", "xor")
        if name not in DATASETS:
            raise ConfigurationError(f"dataset must be one of {', '.join(DATASETS)}, got "
                                     f"{name!r}")
        hidden = [_number("hidden layer size", h)
                  for h in str(config.get("hidden", "4")).replace(",", " ").split()]
        if not hidden or len(hidden) > 4 or not all(h.is_integer() and 1 <= h <= 16
                                                    for h in hidden):
            raise InputError(f"hidden layers must be 1 to 4 sizes from 1 to 16, like '4' or "
                             f"'6 3', got {config.get('hidden')!r}")
        self.seed = int(_number("seed", config.get("seed", 1)))
        make = getattr(datasets, name)
        data = make() if name in ("xor", "and_gate", "or_gate") else \
            make(int(_number("points", config.get("points", 200))), seed=self.seed,
                 noise=_number("noise", config.get("noise", 0.0)))
        self.scaler = datasets.MinMaxScaler(-1, 1).fit(list(data))
        self.samples = self.scaler.transform(list(data))
        self.net = NeuralNetwork([2, *map(int, hidden), 1], seed=self.seed,
                                 activation=config.get("activation", "tanh"),
                                 output_activation="sigmoid",
                                 learning_rate=_number("learning rate",
                                                       config.get("learning_rate", 0.5)))
        self.errors, self.epoch = [], 0

    def run(self, epochs):
        from ..training import accuracy, fit
        if epochs:
            history = fit(self.net, self.samples, epochs=epochs, seed=self.seed + self.epoch)
            self.errors += history.errors
            self.epoch += len(history.errors)
        return accuracy(self.net, self.samples)

    def grid(self, size, neuron=None):
        """The output (or ``neuron``'s out) at size x size points of [-1.2, 1.2]^2, rows from
        the top (y = 1.2) down, as the canvas paints them."""
        values = []
        for r in range(size):
            y = 1.2 - 2.4 * r / (size - 1)
            for c in range(size):
                x = -1.2 + 2.4 * c / (size - 1)
                out = self.net.feed_forward([x, y])
                values.append(out[0] if neuron is None else self.net[neuron].out)
        return values


_training = None
GRID = 40


@_answer
def training_start(config):
    """Build the training view's network and data set from ``config`` (JSON: dataset, hidden,
    activation, learning_rate, points, noise, seed)."""
    global _training
    config = json.loads(config) if isinstance(config, str) else config
    _training = _Training(config)
    return _training_view(0)


@_answer
def training_run(epochs):
    """Train ``epochs`` more epochs; the loss curve (``errors``: the total error over the data
    set after each epoch; ``loss``: the last), accuracy and decision grid."""
    if _training is None:
        raise ConfigurationError("start the training view first (training_start)")
    return _training_view(int(epochs))


def _training_view(epochs):
    accuracy = _training.run(epochs)
    net = _training.net
    return {"epoch": _training.epoch, "errors": [repr(e) for e in _training.errors],
            "loss": repr(_training.errors[-1]) if _training.errors else None,
            "loss_shown": _shown(_training.errors[-1]) if _training.errors else "",
            "accuracy": repr(accuracy), "grid": _training.grid(GRID), "size": GRID,
            "points": [[x[0], x[1], t[0]] for x, t in _training.samples],
            "neurons": [n.name for n in net.neurons], "summary": repr(net),
            "svg": diagram(net, labels=sum(len(n.weights) for n in net.neurons) <= 24)}


@_answer
def training_neuron(name):
    """One neuron of the training network opened: its weights, bias and its out over the grid."""
    if _training is None:
        raise ConfigurationError("start the training view first (training_start)")
    net = _training.net
    neuron = net[name]
    if not hasattr(neuron, "weights"):
        raise InputError(f"{name!r} is not a neuron of the training network")
    grid = _training.grid(GRID, name)
    return {"name": name, "weights": [[w, repr(v), _shown(v)] for w, v in
                                      zip(neuron.weight_names, neuron.weights)],
            "bias": [neuron.bias_name, repr(neuron.bias), _shown(neuron.bias)],
            "grid": grid, "size": GRID, "lo": min(grid), "hi": max(grid)}
