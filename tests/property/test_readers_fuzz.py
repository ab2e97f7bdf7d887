"""Every reader of a user's file, fed random bytes, truncated files and special files, answers
with a result or a NeurosimError (Python) and exit status 0, 1 or 2 with an error line (command
line); never a traceback, a hang or a read without end.

The readers: network files (``serialize.load``, ``neurosim show``), claims (``check``,
``neurosim check``), step commands (``neurosim step --commands``) and JSON Lines records
(``StepRecord.from_jsonl``). The files: random bytes, valid files cut short and with a byte
changed, and the special files: a FIFO no program writes to, a device node like /dev/zero
(made with os.mknod in a temporary folder; only as root), a folder, an empty file, and a sparse
file past every size limit. Run once with ``HYPOTHESIS_PROFILE=thorough`` (1,000 to 2,000
examples each): it passed.

The only OSError the Python readers let through is the operating system's own for a folder
(``IsADirectoryError``): ``serialize.load`` and ``from_jsonl`` document the usual OSError for
what ``open`` refuses, so ``except FileNotFoundError`` around them keeps working.
"""

import contextlib
import io
import os
import pathlib
import stat
import sys
import tempfile

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="the property tests need hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from neurosim import NeurosimError, check, files, serialize  # noqa: E402
from neurosim.cli import main  # noqa: E402
from neurosim.record import StepRecord  # noqa: E402
from neurosim.worked_examples import mazur  # noqa: E402

DEMOS = pathlib.Path(__file__).resolve().parents[2] / "demos" / "claims"
VALID = {
    "network": serialize.dumps(mazur()).encode("utf-8"),
    "claims": (DEMOS / "mazur_original.txt").read_bytes(),
    "claims_json": (DEMOS / "seed002.json").read_bytes(),
    "commands": b"break w5\ncontinue\nprint dE/dw5 out_o1\nwhere\nlist\nnext\nquit\n",
    "record": mazur().train([0.05, 0.1], [0.01, 0.99], record=True).to_jsonl().encode("utf-8"),
}


def _api(read, path):
    """Run a Python reader: its result, or None after a NeurosimError (or the OS's refusal of a
    folder); anything else fails the test."""
    try:
        return read(path)
    except NeurosimError:
        return None
    except IsADirectoryError:
        assert os.path.isdir(path)
        return None


API_READERS = {
    "serialize.load": serialize.load,
    "check": lambda path: check(pathlib.Path(path), window=1, diagnose=False),
    "StepRecord.from_jsonl": lambda path: StepRecord.from_jsonl(pathlib.Path(path)),
}

CLI_READERS = {
    "show": lambda path: ["show", path],
    "check": lambda path: ["check", path, "--no-diagnosis", "--window", "1"],
    "step": lambda path: ["step", "--commands", path],
    "step NETWORK": lambda path: ["step", path, "--input", "0.05", "0.1", "--target", "0.01",
                                  "0.99", "--commands", str(DEMOS / "absent")],
}


def _cli(argv):
    """(exit status, standard error) of ``neurosim ARGV`` with empty standard input."""
    out, err = io.StringIO(), io.StringIO()
    stdin = sys.stdin
    sys.stdin = io.StringIO("")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(argv)
    finally:
        sys.stdin = stdin
    return status, err.getvalue()


def _every_reader(path):
    for read in API_READERS.values():
        _api(read, path)
    for name, argv in CLI_READERS.items():
        status, err = _cli(argv(path))
        command = name.split()[0]
        assert status in (0, 1, 2), (name, status, err)
        assert "Traceback" not in err
        if status == 2:
            assert err.startswith(f"neurosim {command}: error: "), (name, err)


def _fed(data):
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "input")
    with open(path, "wb") as f:
        f.write(data)
    try:
        _every_reader(path)
    finally:
        os.unlink(path)
        os.rmdir(folder)


#: Half the profile's examples (30 by default, 1,000 with HYPOTHESIS_PROFILE=thorough): each
#: example runs seven readers.
FEWER = settings(max_examples=max(10, settings.default.max_examples // 2),
                 suppress_health_check=[HealthCheck.too_slow])


@FEWER
@given(st.binary(max_size=300))
def test_random_bytes(data):
    _fed(data)


@FEWER
@given(st.sampled_from(sorted(VALID)), st.data())
def test_valid_files_cut_short_or_with_a_byte_changed(kind, data):
    text = VALID[kind]
    cut = data.draw(st.integers(0, len(text)), label="cut")
    text = text[:cut]
    if text and data.draw(st.booleans(), label="change a byte"):
        at = data.draw(st.integers(0, len(text) - 1), label="at")
        text = text[:at] + bytes([data.draw(st.integers(0, 255), label="byte")]) + text[at + 1:]
    _fed(text)


@given(st.binary(max_size=300) | st.text(max_size=100))
def test_from_jsonl_of_any_text_or_bytes(data):
    try:
        StepRecord.from_jsonl(data)
    except NeurosimError:
        pass


def test_the_valid_files_are_read():
    # The base of the truncations reads as it should: the readers are not failing on everything.
    folder = tempfile.mkdtemp()
    for kind, data in VALID.items():
        path = os.path.join(folder, kind)
        with open(path, "wb") as f:
            f.write(data)
    assert serialize.load(os.path.join(folder, "network"))["w5"] == 0.4
    assert check(pathlib.Path(folder, "claims"), diagnose=False).results
    assert len(StepRecord.from_jsonl(pathlib.Path(folder, "record"))) == len(
        StepRecord.from_jsonl(VALID["record"].decode()))
    assert _cli(["show", os.path.join(folder, "network")])[0] == 0
    assert _cli(["step", "--commands", os.path.join(folder, "commands")])[0] == 0


# -- special files ---------------------------------------------------------------------------------

def _special_files(folder):
    """name -> path of each special file made in ``folder``."""
    os.mkdir(folder)
    made = {"folder": folder, "empty": os.path.join(folder, "empty")}
    open(made["empty"], "wb").close()
    made["sparse"] = os.path.join(folder, "sparse")
    with open(made["sparse"], "wb") as f:
        f.truncate(files.MAX_WRITTEN_BYTES + 1)          # past every limit; a hole, no disk
    if hasattr(os, "mkfifo"):
        made["fifo"] = os.path.join(folder, "fifo")
        os.mkfifo(made["fifo"])
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        made["zero"] = os.path.join(folder, "zero")      # as /dev/zero: endless NUL bytes
        os.mknod(made["zero"], 0o600 | stat.S_IFCHR, os.makedev(1, 5))
    return made


@pytest.mark.parametrize("kind", ["folder", "empty", "sparse", "fifo", "zero"])
def test_special_files(tmp_path, monkeypatch, kind):
    monkeypatch.setattr(files, "WRITER_WAIT", 0.05)
    made = _special_files(str(tmp_path / "special"))
    if kind not in made:
        pytest.skip("FIFOs need POSIX; a device node needs root (os.mknod)")
    _every_reader(made[kind])
    if kind in ("fifo", "zero", "sparse"):       # refused by the reader itself, with the reason
        status, err = _cli(["show", made[kind]])
        reason = {"fifo": "nothing was written to it", "zero": "it is a character device",
                  "sparse": "it holds more than 1 GiB"}[kind]
        assert status == 2 and reason in err and err.count("\n") == 1


@given(st.text(alphabet="ab{}\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029 ", max_size=30))
def test_from_jsonl_splits_lines_as_splitlines_does(text):
    # from_jsonl walks the lines one at a time (a gigabyte of line breaks must not become a
    # list of a billion strings) and must split exactly where str.splitlines splits.
    from neurosim.record import _lines
    assert list(_lines(text)) == text.splitlines()
