"""neurosim.serialize: the saved document, exact floats, atomic saving, and loading's checks.

Mazur's numbers (w1..w8 = 0.15 ... 0.55, b1 = 0.35, b2 = 0.60) are from Mazur (2015), "A Step
by Step Backpropagation Example"; seed 002's 2-3-2-1 network from seed 002 ("BP算法推演").
"""

import errno
import json
import os
import stat
import sys

import pytest

from neurosim import ConfigurationError, FormatError, NeuralNetwork, NeurosimError
from neurosim import files
from neurosim.serialize import (dumps, from_document, load, loads, save, to_document,
                                write_atomically)
from neurosim.worked_examples import mazur, seed002


def hexes(net):
    out = []
    for layer in net.layers:
        out.append(layer.bias_velocity.hex())
        for n in layer.neurons:
            out += [w.hex() for w in n.weights] + [n.bias.hex(), n.bias_velocity.hex()]
            out += [v.hex() for v in n.velocity]
    return out


def config(net):
    return (net.layer_sizes, net.input_names, [n.name for n in net.neurons],
            [layer.activation.name for layer in net.layers], net.loss.name, net.bias_mode,
            net.train_biases, net.learning_rate, net.weight_decay, net.hidden_deltas,
            net.momentum, net.seed)


# -- the document----------------------------------------------------------------------------------

def test_mazur_document_holds_the_published_weights_and_rules():
    doc = to_document(mazur())
    assert doc["format"] == "neurosim-network" and doc["version"] == 1
    assert doc["layer_sizes"] == [2, 2, 2] and doc["input_names"] == ["i1", "i2"]
    assert (doc["loss"], doc["bias"], doc["train_biases"]) == ("half_squared_error", "shared",
                                                               False)
    assert doc["learning_rate"] == 0.5 and doc["momentum"] == 0.0 and doc["seed"] is None
    hidden, output = doc["layers"]
    assert [n["name"] for n in hidden["neurons"]] == ["h1", "h2"]
    assert [n["weights"] for n in hidden["neurons"]] == [[0.15, 0.2], [0.25, 0.3]]
    assert [n["weights"] for n in output["neurons"]] == [[0.4, 0.45], [0.5, 0.55]]
    assert [n["bias"] for n in hidden["neurons"]] == [0.35, 0.35]
    assert [n["bias"] for n in output["neurons"]] == [0.6, 0.6]
    assert hidden["activation"] == output["activation"] == "sigmoid"


def test_the_file_is_plain_json_that_json_reads(tmp_path):
    path = tmp_path / "mazur.json"
    save(mazur(), path)
    assert json.loads(path.read_text("utf-8")) == to_document(mazur())


def test_round_trip_of_a_trained_network_with_momentum_is_exact(tmp_path):
    net = seed002(momentum=0.9, seed=7, hidden_deltas="original_weights")
    for _ in range(3):
        net.train([1.0, 2.0], [1.0])
    path = tmp_path / "net.json"
    net.save(path)
    again = NeuralNetwork.load(path)
    assert config(again) == config(net)
    assert hexes(again) == hexes(net)
    assert dumps(again) == dumps(net)
    # Training continues exactly where it stopped: velocities included.
    net.train([1.0, 2.0], [1.0])
    again.train([1.0, 2.0], [1.0])
    assert hexes(again) == hexes(net)


def test_custom_names_shared_biases_and_every_option_survive(tmp_path):
    net = NeuralNetwork([2, 3, 1], names=[["x", "y"], ["a", "b", "c"], ["out"]], bias="shared",
                        activation="tanh", output_activation="identity",
                        loss="mean_squared_error", learning_rate=0.125, weight_decay=0.01,
                        hidden_deltas="updated_weights", momentum=0.5, seed="lesson 3")
    net.layers[0].bias = -0.75
    net.layers[0].bias_velocity = 0.25
    again = loads(dumps(net))
    assert config(again) == config(net) and hexes(again) == hexes(net)
    assert again["b1"] == -0.75 and again["a"].name == "a"


def test_bias_none_round_trips():
    net = NeuralNetwork([3, 2], bias="none", seed=1)
    again = loads(dumps(net))
    assert again.bias_mode == "none" and not again.train_biases and hexes(again) == hexes(net)


@pytest.mark.parametrize("value", [0.1 + 0.2, 1e-300, 5e-324, -0.0, 1.7976931348623157e308,
                                   -2.2250738585072014e-308, 1 / 3])
def test_floats_round_trip_to_the_bit(value):
    net = NeuralNetwork.from_weights([[[value, 1.0]]], [value])
    again = loads(dumps(net))
    assert again["w1"].hex() == value.hex() and again["b_o1"].hex() == value.hex()


def test_a_loaded_network_has_not_run_a_pass():
    net = mazur()
    net.train([0.05, 0.1], [0.01, 0.99])
    again = loads(dumps(net))
    assert all(n.out is None and n.delta is None for n in again.neurons)


# -- saving refuses what is not a finite number ---------------------------------------------------

@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_saving_a_non_finite_weight_names_it_and_writes_nothing(tmp_path, value):
    net = seed002()
    net.layers[1].neurons[0].weights[2] = value
    path = tmp_path / "net.json"
    with pytest.raises(FormatError, match=r"^\$\.layers\[1\]\.neurons\[0\]\.weights\[2\]: "
                                          r"expected a finite number"):
        save(net, path)
    assert os.listdir(tmp_path) == []


def test_a_seed_json_cannot_hold_is_refused_on_saving():
    net = NeuralNetwork([2, 1])
    net.seed = b"bytes"  # the constructor refuses it (None, int or str); set after, as a user may
    with pytest.raises(FormatError, match=r"^\$\.seed: "):
        dumps(net)


# -- atomic saving---------------------------------------------------------------------------------

@pytest.fixture
def old_file(tmp_path):
    path = tmp_path / "net.json"
    save(mazur(), path)
    return path, path.read_bytes()


def test_a_save_that_fails_midway_leaves_the_old_file_and_no_temporary(old_file, monkeypatch):
    path, before = old_file

    def disk_full(fd):  # the text is in the temporary file, not yet safe on disk
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)
    with pytest.raises(OSError) as info:
        save(seed002(), path)
    assert str(info.value) == f"[Errno {errno.ENOSPC}] No space left on device: {str(path)!r}"
    assert path.read_bytes() == before
    assert os.listdir(path.parent) == ["net.json"]


def test_an_interrupt_during_a_save_leaves_the_old_file(old_file, monkeypatch):
    path, before = old_file

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save(seed002(), path)
    assert path.read_bytes() == before
    assert os.listdir(path.parent) == ["net.json"]


def test_a_failing_rename_leaves_the_old_file(old_file, monkeypatch):
    path, before = old_file

    def no_replace(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.os, "replace", no_replace)
    with pytest.raises(PermissionError):
        save(seed002(), path)
    assert path.read_bytes() == before
    assert os.listdir(path.parent) == ["net.json"]


def test_a_successful_save_replaces_the_file_and_leaves_no_temporary(old_file):
    path, before = old_file
    save(seed002(), path)
    assert path.read_bytes() != before
    assert load(path).layer_sizes == [2, 3, 2, 1]
    assert os.listdir(path.parent) == ["net.json"]


# A new file under umask 0o022: 0o644, as open() makes it; Emscripten's file system (Pyodide)
# ignores the umask, and there open() makes 0o666.
UMASKED_0o666 = 0o666 if sys.platform == "emscripten" else 0o644


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_new_file_gets_the_usual_permissions(tmp_path):
    mask = os.umask(0o022)
    try:
        save(mazur(), tmp_path / "net.json")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(os.stat(tmp_path / "net.json").st_mode) == UMASKED_0o666


def test_saving_into_a_missing_folder_raises_oserror(tmp_path):
    # The message names the path given, as open(path, "w") would, not the temporary file.
    path = tmp_path / "nowhere" / "net.json"
    with pytest.raises(FileNotFoundError) as info:
        save(mazur(), path)
    assert str(info.value) == f"[Errno {errno.ENOENT}] No such file or directory: {str(path)!r}"
    assert info.value.filename == str(path)


def test_saving_onto_a_folder_is_an_isadirectoryerror_naming_it(tmp_path):
    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(IsADirectoryError) as info:
        save(mazur(), str(tmp_path))
    assert str(info.value) == f"[Errno {errno.EISDIR}] Is a directory: {str(tmp_path)!r}"
    assert os.listdir(tmp_path) == ["keep.txt"]     # no temporary file left anywhere


def test_saving_to_an_empty_path_is_a_filenotfounderror_like_open(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError) as info:
        save(mazur(), "")
    assert str(info.value) == f"[Errno {errno.ENOENT}] No such file or directory: ''"
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("path", [None, 0, 5, True, 1.5, ["net.json"]])
def test_a_path_that_is_not_a_file_name_is_refused_before_opening(path):
    # load(0) used to read (and close) standard input; load(5) read file descriptor 5.
    message = f"path must be a file name (str, bytes or os.PathLike), got {path!r}"
    for call in (lambda: save(mazur(), path), lambda: load(path),
                 lambda: NeuralNetwork.load(path), lambda: mazur().save(path)):
        with pytest.raises(ConfigurationError) as info:
            call()
        assert str(info.value) == message


def test_bytes_paths_work_for_save_and_load(tmp_path):
    path = os.fsencode(tmp_path / "net.json")
    save(mazur(), path)
    assert load(path)["w5"] == 0.4


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_replacing_a_file_keeps_its_permission_bits(tmp_path):
    path = tmp_path / "net.json"
    path.write_text("old")
    os.chmod(path, 0o600)  # a private file stays private after an atomic replace
    mask = os.umask(0o022)
    try:
        save(mazur(), path)
        write_atomically(tmp_path / "other.txt", "new file\n")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load(path)["w1"] == 0.15
    assert stat.S_IMODE(os.stat(tmp_path / "other.txt").st_mode) == UMASKED_0o666  # as usual


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name != "posix",
                    reason="needs POSIX symbolic links")
def test_saving_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path):
    (tmp_path / "models").mkdir()
    real = tmp_path / "models" / "real.json"
    real.write_text("old")
    os.chmod(real, 0o640)
    link = tmp_path / "link.json"
    os.symlink(os.path.join("models", "real.json"), link)
    save(mazur(), link)
    assert os.path.islink(link) and os.readlink(link) == os.path.join("models", "real.json")
    assert load(real)["w8"] == 0.55 and stat.S_IMODE(os.stat(real).st_mode) == 0o640
    assert sorted(os.listdir(tmp_path / "models")) == ["real.json"]
    # A dangling link: its target is created, as open(link, "w") would.
    dangling = tmp_path / "dangling.json"
    os.symlink(os.path.join("models", "new.json"), dangling)
    save(mazur(), dangling)
    assert os.path.islink(dangling) and load(tmp_path / "models" / "new.json")["w1"] == 0.15


def test_write_atomically_writes_utf8_text_with_unix_newlines(tmp_path):
    path = tmp_path / "sheet.md"
    path.write_text("old")
    write_atomically(path, "δ_o1 = 0.138498562\n")
    assert path.read_bytes() == "δ_o1 = 0.138498562\n".encode("utf-8")
    assert os.listdir(tmp_path) == ["sheet.md"]


# -- loading checks every field--------------------------------------------------------------------

def seed002_doc():
    return to_document(seed002())


def mutated(change):
    doc = seed002_doc()
    change(doc)
    return doc


def set_in(*path_and_value):
    *path, value = path_and_value

    def change(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return change


def drop(*path):
    def change(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return change


BAD_DOCUMENTS = [
    (set_in("layers", 1, "neurons", 0, "weights", 2, "x"),
     "$.layers[1].neurons[0].weights[2]: expected a finite number, got 'x'"),
    (set_in("layers", 0, "neurons", 1, "bias", None),
     "$.layers[0].neurons[1].bias: expected a finite number, got None"),
    (set_in("layers", 0, "neurons", 1, "bias", True),
     "$.layers[0].neurons[1].bias: expected a finite number, got True"),
    (set_in("layers", 2, "neurons", 0, "velocity", [0.0]),
     "$.layers[2].neurons[0].velocity: expected a list of 2, got 1 entries"),
    (set_in("layers", 0, "neurons", 0, "weights", {"w1": 2.0}),
     "$.layers[0].neurons[0].weights: expected a list of 2, got {'w1': 2.0}"),
    (drop("layers", 1, "neurons", 1, "name"),
     "$.layers[1].neurons[1]: the field 'name' is missing"),
    (set_in("layers", 1, "neurons", 1, "name", "h1"),
     "$.layers[1].neurons[1].name: the name 'h1' is used twice"),
    (set_in("layers", 1, "neurons", 1, "name", "w3"),
     "$.layers[1].neurons[1].name: the name 'w3' clashes with the step's names: w1, w2, ... "
     "are the weights"),
    (set_in("layers", 1, "neurons", 1, "name", "total"),
     "$.layers[1].neurons[1].name: the name 'total' clashes with the step's names: E_total"),
    (set_in("layers", 1, "neurons", 1, "name", "1st"),
     "$.layers[1].neurons[1].name: expected a name like 'h1', got '1st'"),
    (set_in("layers", 1, "activation", "sigmoidal"),
     "$.layers[1].activation: expected one of 'sigmoid'"),
    (set_in("layers", 1, "colour", "red"), "$.layers[1]: unknown field 'colour'"),
    (set_in("layers", 1, []), "$.layers[1]: expected an object, got []"),
    (set_in("layers", [], ), "$.layers: expected a list of 3, got 0 entries"),
    (set_in("layer_sizes", [2, 3, 2]), "$.layers: expected a list of 2, got 3 entries"),
    (set_in("layer_sizes", [2, 3, 0, 1]), "$.layer_sizes[2]: expected a whole number >= 1"),
    (set_in("layer_sizes", [2]), "$.layer_sizes: expected at least 2 sizes"),
    (set_in("input_names", ["i1"]), "$.input_names: expected a list of 2, got 1 entries"),
    (set_in("format", "pickle"), "$.format: expected 'neurosim-network', got 'pickle'"),
    (set_in("version", 2), "$.version: this neurosim reads version 1, got 2\nthe file was "
                           "written by a newer neurosim"),
    (set_in("version", "1"), "$.version: expected a whole number, got '1'"),
    (set_in("loss", "hinge"), "$.loss: expected one of"),
    (set_in("bias", "per_layer"), "$.bias: expected one of 'per_neuron', 'shared', 'none'"),
    (set_in("train_biases", "yes"), "$.train_biases: expected true or false, got 'yes'"),
    (set_in("learning_rate", -0.1), "$.learning_rate: expected a number >= 0, got -0.1"),
    (set_in("momentum", 1.0), "$.momentum: expected a number >= 0 and < 1, got 1.0"),
    (set_in("hidden_deltas", "new"), "$.hidden_deltas: expected one of"),
    (set_in("seed", [1, 2]), "$.seed: expected null, an integer or a string (as NeuralNetwork's "
                             "seed), got [1, 2]"),
    (set_in("seed", 1.5), "$.seed: expected null, an integer or a string (as NeuralNetwork's "
                          "seed), got 1.5"),
    (drop("momentum"), "$: the field 'momentum' is missing"),
    (set_in("extra", 1), "$: unknown field 'extra'"),
    (set_in("layers", 0, "neurons", 0, "weights", 0, 10 ** 400),
     "$.layers[0].neurons[0].weights[0]: expected a finite number"),
]


@pytest.mark.parametrize("change,message", BAD_DOCUMENTS)
def test_a_bad_field_is_named_by_its_json_path(change, message):
    doc = mutated(change)
    with pytest.raises(FormatError) as caught:
        from_document(doc)
    assert str(caught.value).startswith(message), str(caught.value)
    text = json.dumps(doc)
    with pytest.raises(FormatError) as caught:
        loads(text)
    assert str(caught.value).startswith(message)


def test_a_shared_bias_must_be_the_same_on_every_neuron():
    doc = to_document(mazur())
    doc["layers"][1]["neurons"][1]["bias"] = 0.7
    with pytest.raises(FormatError, match=r"^\$\.layers\[1\]\.neurons\[1\]\.bias: expected 0\.6"):
        from_document(doc)


def test_bias_none_needs_zero_biases_and_untrained():
    doc = to_document(NeuralNetwork([2, 1], bias="none", seed=1))
    doc["layers"][0]["neurons"][0]["bias"] = 0.5
    with pytest.raises(FormatError, match=r"\.bias: expected 0 \(bias is 'none'\)"):
        from_document(doc)
    doc = to_document(NeuralNetwork([2, 1], bias="none", seed=1))
    doc["train_biases"] = True
    with pytest.raises(FormatError, match=r"^\$\.train_biases: must be false"):
        from_document(doc)


@pytest.mark.parametrize("text,message", [
    ("", "$: not valid JSON"),
    ("{", "$: not valid JSON"),
    ("[1, 2]", "$: expected an object, got [1, 2]"),
    ('{"a": NaN}', "$: NaN is not a finite number"),
    ('{"a": -Infinity}', "$: -Infinity is not a finite number"),
    ('{"a": 1e999}', "$: the number 1e999 is out of the float range"),
    ('{"a": 1, "a": 2}', "$: the key 'a' appears twice"),
    ("9" * 5000, "$: not valid JSON"),
    ("[" * 100_000 + "]" * 100_000, "$: the JSON is nested too deeply"),
    (b"\x80\x04\x95pickle", "$: a saved network must be UTF-8 JSON text; byte 0 is not UTF-8"),
    (b"\xef\xbb\xbf[]", "$: expected an object, got []"),   # a BOM is allowed, then checked
])
def test_text_that_is_not_a_saved_network(text, message):
    with pytest.raises(FormatError) as caught:
        loads(text)
    assert str(caught.value).startswith(message), str(caught.value)


class _Trap:
    """Unpickling this would create a file: proof that something was executed."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


@pytest.mark.parametrize("protocol", [0, 2, 5])
def test_loading_never_unpickles(tmp_path, protocol):
    import pickle
    sentinel = tmp_path / "executed"
    path = tmp_path / "net.json"
    path.write_bytes(pickle.dumps(_Trap(str(sentinel)), protocol=protocol))
    with pytest.raises(FormatError):
        load(path)
    assert not sentinel.exists()


def test_every_load_error_is_a_neurosim_error_and_a_value_error():
    with pytest.raises(NeurosimError):
        loads("{}")
    with pytest.raises(ValueError):
        loads("{}")


def test_a_missing_file_raises_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "absent.json")


def test_loads_takes_str_and_bytes_only():
    with pytest.raises(FormatError, match=r"^\$: expected JSON text, got dict"):
        loads({"format": "neurosim-network"})
