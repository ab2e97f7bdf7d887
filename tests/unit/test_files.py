"""neurosim.files: what is read (files and pipes with a writer, within a size limit) and how a
file is replaced (atomically, only a regular file, its owner, mode and other names respected).

Every special file here is made in a temporary folder (os.mkfifo, os.mknod, a socket); none of
the machine's own devices is touched.
"""

import errno
import io
import os
import socket
import stat
import sys
import threading
import time

import pytest

from neurosim import ConfigurationError, FileError, FormatError, NeurosimError
from neurosim import files
from neurosim.files import (check_target, is_pipe, is_standard_output, read_bytes, read_text,
                            write_atomically, write_to_pipe)

# Pyodide is "posix" but has no FIFOs, hard links, sockets, users or file locks.
posix_only = pytest.mark.skipif(
    os.name != "posix" or sys.platform == "emscripten",
    reason="FIFOs, devices and modes are POSIX (Pyodide has no FIFOs, hard links, sockets or file locks)")
root_only = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                               reason="making a device node (os.mknod) needs root")


@pytest.fixture
def quick(monkeypatch):
    """Wait 0.2 s, not 1 s, for a FIFO's other end (the tests stay fast)."""
    monkeypatch.setattr(files, "WRITER_WAIT", 0.2)


def null_device(folder):
    """A character device like /dev/null (1, 3), made in ``folder``."""
    path = os.path.join(folder, "null")
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return path


def zero_device(folder):
    """A character device like /dev/zero (1, 5): endless NUL bytes when read."""
    path = os.path.join(folder, "zero")
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 5))
    return path


def later(seconds, action):
    thread = threading.Thread(target=lambda: (time.sleep(seconds), action()), daemon=True)
    thread.start()
    return thread


# -- reading ---------------------------------------------------------------------------------------

def test_a_file_is_read_as_utf8_text_without_its_byte_order_mark(tmp_path):
    path = tmp_path / "claims.txt"
    path.write_bytes("\ufeffδ_o1 = 0.138498562\n".encode("utf-8"))
    assert read_text(path, "claims file", max_bytes=100) == "δ_o1 = 0.138498562\n"
    assert read_bytes(str(path), "claims file", max_bytes=100).startswith(b"\xef\xbb\xbf")


def test_text_that_is_not_utf8_names_the_file_and_the_byte(tmp_path):
    path = tmp_path / "scan.txt"
    path.write_bytes(b"out_h1 = 0.59\xff\n")
    with pytest.raises(FormatError) as info:
        read_text(path, "claims file", max_bytes=100)
    assert str(info.value) == (f"claims file {str(path)!r} is not UTF-8 text (byte 13: "
                               f"b'\\xff')\nsave it as UTF-8 text")


def test_more_than_the_limit_is_refused_from_its_size_alone(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 101)
    assert read_bytes(path, "claims file", max_bytes=101) == b"x" * 101
    with pytest.raises(FileError) as info:
        read_bytes(path, "claims file", max_bytes=100)
    assert str(info.value) == (f"cannot read claims file {str(path)!r}: it holds more than 100 "
                               f"bytes, the most neurosim reads as a claims file")
    sparse = tmp_path / "sparse.json"
    with open(sparse, "wb") as f:
        f.truncate(files.MAX_WRITTEN_BYTES + 1)     # a hole: no disk used, nothing read
    with pytest.raises(FileError, match=r"it holds more than 1 GiB \(1,073,741,824 bytes\)"):
        read_bytes(sparse, "network file", max_bytes=files.MAX_WRITTEN_BYTES)


def test_what_the_os_refuses_is_one_error_or_the_oses_own(tmp_path):
    missing = tmp_path / "absent.json"
    with pytest.raises(FileError) as info:
        read_bytes(missing, "network file", max_bytes=10)
    assert str(info.value) == (f"cannot read network file {str(missing)!r}: No such file or "
                               f"directory")
    with pytest.raises(FileNotFoundError) as info:     # the API: except FileNotFoundError works
        read_bytes(missing, "network file", max_bytes=10, raw_os_errors=True)
    assert info.value.filename == str(missing)
    with pytest.raises(FileError, match=r": Is a directory$"):
        read_bytes(tmp_path, "network file", max_bytes=10)
    with pytest.raises(IsADirectoryError):
        read_bytes(tmp_path, "network file", max_bytes=10, raw_os_errors=True)


@pytest.mark.parametrize("path, error, message", [
    (None, ConfigurationError, "path must be a file name (str, bytes or os.PathLike), got None"),
    (0, ConfigurationError, "path must be a file name (str, bytes or os.PathLike), got 0"),
    ("a\0b", FileError, "cannot read network file 'a\\x00b': a file name cannot contain a NUL "
                        "character"),
    (b"a\0b", FileError, "cannot read network file 'a\\x00b': a file name cannot contain a NUL "
                         "character"),
])
def test_what_is_not_a_file_name_is_refused_before_opening(path, error, message):
    with pytest.raises(error) as info:
        read_bytes(path, "network file", max_bytes=10)
    assert str(info.value) == message


def test_dash_is_standard_input_only_when_asked(tmp_path, monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbfquit\n"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    assert read_text("-", "commands file", max_bytes=100, stdin=True) == "quit\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO("x" * 101))      # no .buffer: text
    with pytest.raises(FileError, match=r"^cannot read commands file from standard input: it "
                                        r"holds more than 100 bytes"):
        read_text("-", "commands file", max_bytes=100, stdin=True)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileError, match=r"cannot read commands file '-': No such file"):
        read_text("-", "commands file", max_bytes=100)             # the API: a file named -


@posix_only
def test_a_fifo_nobody_writes_to_is_refused_instead_of_hanging(tmp_path, quick):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(FileError) as info:
        read_text(fifo, "network file", max_bytes=100)
    assert str(info.value) == (f"cannot read network file {str(fifo)!r}: it is a FIFO (named "
                               f"pipe) and nothing was written to it within 0.2 s")


@posix_only
def test_a_fifo_with_a_writer_is_read_to_its_end(tmp_path, quick):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def write():
        with open(fifo, "wb") as f:          # opens once the reader is there
            f.write(b"break w1\n")
            f.flush()
            time.sleep(0.5)                  # longer than WRITER_WAIT: the writer is there
            f.write(b"quit\n")

    later(0.05, write)
    assert read_text(fifo, "commands file", max_bytes=100) == "break w1\nquit\n"


@posix_only
def test_a_writer_that_holds_the_fifo_open_before_writing_is_waited_for(tmp_path, quick):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    done = threading.Event()

    def write():
        fd = os.open(fifo, os.O_RDWR)        # a writer from now on, without a reader's help
        done.set()
        time.sleep(0.5)                      # writes nothing for longer than WRITER_WAIT
        os.write(fd, b"quit\n")
        os.close(fd)

    later(0, write)
    done.wait()
    assert read_text(fifo, "commands file", max_bytes=100) == "quit\n"


@posix_only
def test_a_writer_that_comes_and_goes_without_writing_leaves_empty_text(tmp_path, quick):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    later(0.05, lambda: os.close(os.open(fifo, os.O_WRONLY)))   # opens once the reader is there
    assert read_text(fifo, "commands file", max_bytes=100) == ""     # its end, read at once


@posix_only
def test_a_pipe_like_process_substitution_is_read(tmp_path):
    # bash's <(...) and /dev/stdin name a pipe as /dev/fd/N; it has a writer, so it is read.
    if not os.path.exists("/dev/fd"):
        pytest.skip("no /dev/fd")
    r, w = os.pipe()
    try:
        later(0.05, lambda: (os.write(w, b"out_h1 = 0.593269992\n"), os.close(w)))
        assert read_text(f"/dev/fd/{r}", "claims file", max_bytes=100) == "out_h1 = 0.593269992\n"
    finally:
        os.close(r)


@posix_only
def test_a_pipe_past_the_limit_is_refused(tmp_path):
    if not os.path.exists("/dev/fd"):
        pytest.skip("no /dev/fd")
    r, w = os.pipe()
    try:
        writer = later(0, lambda: (os.write(w, b"y\n" * 200), os.close(w)))
        with pytest.raises(FileError, match=r"it holds more than 100 bytes"):
            read_bytes(f"/dev/fd/{r}", "commands file", max_bytes=100)
    finally:
        os.close(r)
        writer.join()


@posix_only
@root_only
def test_a_device_is_refused_without_reading_it(tmp_path):
    for path in (zero_device(tmp_path), null_device(tmp_path)):
        with pytest.raises(FileError) as info:
            read_bytes(path, "network file", max_bytes=100)
        assert str(info.value) == (f"cannot read network file {path!r}: it is a character "
                                   f"device, not a file")


@posix_only
def test_a_socket_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)                 # a short relative name: sun_path is 108 bytes
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind("sock")
        with pytest.raises(FileError, match=r"^cannot read claims file 'sock': it is a socket, "
                                            r"not a file$"):
            read_text("sock", "claims file", max_bytes=100)
    finally:
        server.close()


def test_the_largest_network_neurosim_builds_saves_within_the_read_limit():
    # What save writes grows linearly: so many bytes per connection (a weight and a velocity),
    # so many more per neuron with a layer of its own. Measured on small networks with every
    # number at its longest repr (24 characters), bounded for the largest network check_sizes
    # accepts; 8 more bytes a neuron for names up to 'h999999'.
    from neurosim import NeuralNetwork
    from neurosim.validation import MAX_CONNECTIONS, MAX_NEURONS
    from neurosim.serialize import dumps
    longest = -2.2250738585072014e-308
    assert len(repr(longest)) == 24

    def saved(sizes):
        net = NeuralNetwork(sizes, seed=0)
        for layer in net.layers:
            layer.bias_velocity = longest
            for n in layer.neurons:
                n.weights = [longest] * len(n.weights)
                n.velocity = [longest] * len(n.weights)
                n.bias, n.bias_velocity = longest, longest
        return len(dumps(net).encode("utf-8")) + 1

    per_connection = saved([11, 1]) - saved([10, 1])
    per_layer_of_one = saved([1] * 12) - saved([1] * 11)      # a neuron and its connection
    per_neuron = max(per_layer_of_one, saved([1, 11]) - saved([1, 10])) - per_connection
    largest = MAX_CONNECTIONS * per_connection + MAX_NEURONS * (per_neuron + 8)
    assert largest <= files.MAX_WRITTEN_BYTES, (largest, per_connection, per_neuron)


# -- writing ---------------------------------------------------------------------------------------

def test_a_new_file_and_a_replaced_one(tmp_path):
    path = tmp_path / "sheet.md"
    write_atomically(path, "one\n")
    write_atomically(path, "δ two\n")
    assert path.read_bytes() == "δ two\n".encode("utf-8")
    assert os.listdir(tmp_path) == ["sheet.md"]


def test_a_255_character_name_works_the_temporary_name_is_short(tmp_path, monkeypatch):
    name = "n" * 250 + ".json"                 # NAME_MAX is 255 on the usual file systems
    seen = []
    create = files._create_temporary
    monkeypatch.setattr(files, "_create_temporary",
                        lambda folder: seen.append(create(folder)) or seen[-1])
    write_atomically(tmp_path / name, "x\n")
    write_atomically(tmp_path / name, "y\n")
    assert (tmp_path / name).read_text() == "y\n" and os.listdir(tmp_path) == [name]
    assert all(len(os.path.basename(tmp)) == 22 for _, tmp in seen)


@pytest.mark.parametrize("name", ["newdir/", "models" + os.sep])
def test_a_name_ending_in_a_slash_is_a_folder_not_a_file(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "models").mkdir()
    with pytest.raises(FileError) as info:
        write_atomically(name, "x")
    assert str(info.value) == (f"{name!r} ends with {name[-1]!r}, so it names a folder; "
                               f"neurosim writes files\ngive a file name, e.g. "
                               f"{name + 'net.json'!r}")
    assert sorted(os.listdir(tmp_path)) == ["models"] and os.listdir("models") == []


def test_a_nul_in_the_name_is_a_neurosim_error(tmp_path):
    with pytest.raises(FileError) as info:
        write_atomically(str(tmp_path / "a\0b"), "x")
    assert isinstance(info.value, NeurosimError) and isinstance(info.value, OSError)
    assert str(info.value).endswith(": a file name cannot contain a NUL character")


@posix_only
def test_a_fifo_is_never_replaced(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for force in (False, True):
        with pytest.raises(FileError) as info:
            write_atomically(fifo, "x", force=force)
        assert str(info.value) == (f"{str(fifo)!r} is a FIFO (named pipe), not a regular file; "
                                   f"neurosim writes only regular files (a new one, or one it "
                                   f"replaces)")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and os.listdir(tmp_path) == ["fifo"]


@posix_only
@root_only
def test_a_device_is_never_replaced_even_through_a_link(tmp_path):
    # The bug: root's `neurosim train and --save /dev/null` put a JSON file there.
    null = null_device(tmp_path)
    os.symlink("null", tmp_path / "link")
    for path in (null, tmp_path / "link"):
        with pytest.raises(FileError, match=r"is a character device, not a regular file"):
            write_atomically(path, "x", force=True)
    assert stat.S_ISCHR(os.lstat(null).st_mode) and os.stat(null).st_rdev == os.makedev(1, 3)
    assert sorted(os.listdir(tmp_path)) == ["link", "null"]


@posix_only
def test_a_read_only_file_is_replaced_only_when_forced_and_stays_read_only(tmp_path):
    path = tmp_path / "net.json"
    path.write_text("old")
    os.chmod(path, 0o444)
    with pytest.raises(FileError) as info:
        write_atomically(path, "new")
    assert str(info.value) == (f"{str(path)!r} is read-only (mode 0o444); neurosim does not "
                               f"replace a read-only file\npass force=True to replace it "
                               f"anyway, or make it writable first (chmod u+w)")
    assert path.read_text() == "old"
    write_atomically(path, "new", force=True)
    assert path.read_text() == "new" and stat.S_IMODE(os.stat(path).st_mode) == 0o444


@posix_only
def test_hard_links_are_not_split_unless_asked(tmp_path):
    path, other = tmp_path / "net.json", tmp_path / "backup.json"
    path.write_text("old")
    os.link(path, other)
    with pytest.raises(FileError) as info:
        write_atomically(path, "new", force_hint="give --force")
    assert str(info.value) == (f"{str(path)!r} has 2 hard links (names of the same file); "
                               f"saving writes a new file atomically, so the other names would "
                               f"keep the old contents\ngive --force to save anyway and split "
                               f"it from them")
    assert path.read_text() == other.read_text() == "old"
    write_atomically(path, "new", force=True)          # atomic: the other name keeps the old
    assert (path.read_text(), other.read_text()) == ("new", "old")


@posix_only
@root_only
def test_root_saving_over_a_users_file_keeps_its_owner_group_and_mode(tmp_path):
    path = tmp_path / "net.json"
    path.write_text("old")
    os.chown(path, 1234, 2345)
    os.chmod(path, 0o640)
    write_atomically(path, "new")
    info = os.stat(path)
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (1234, 2345, 0o640)
    assert path.read_text() == "new"


@posix_only
def test_another_users_file_is_refused_unless_forced(tmp_path, monkeypatch):
    path = tmp_path / "net.json"
    path.write_text("old")
    me = os.stat(path).st_uid + 1                      # we are someone else
    monkeypatch.setattr(files.os, "geteuid", lambda: me)
    monkeypatch.setattr(files.os, "access", lambda *args, **kwargs: True)   # group-writable
    with pytest.raises(FileError, match=r"belongs to another user \(uid \d+\); saving writes a "
                                        r"new file, which would belong to you"):
        check_target(path)
    assert check_target(path, force=True).st_size == 3


@posix_only
def test_without_chown_fcntl_or_nonblocking_io_pyodide_still_saves_and_reads(tmp_path, monkeypatch):
    path = tmp_path / "net.json"
    path.write_text("old")
    os.chmod(path, 0o600)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.chown(path, 1234, 2345)                     # an owner only chown could keep
    monkeypatch.delattr(files.os, "chown")
    monkeypatch.setitem(sys.modules, "fcntl", None)    # no fcntl either (Pyodide, Windows)
    monkeypatch.delattr(files.os, "set_blocking")
    monkeypatch.setattr(files, "_O_NONBLOCK", 0)
    write_atomically(path, "new")
    assert path.read_text() == "new" and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert read_text(path, "network file", max_bytes=10) == "new"


def test_the_temporary_files_of_killed_saves_are_removed(tmp_path):
    old = time.time() - 60
    orphan = tmp_path / ".neurosim-0123abcd.tmp"        # a save that was killed
    orphan.write_text("half a network")
    os.utime(orphan, (old, old))
    earlier = tmp_path / ".net.json.4567cdef.tmp"       # one of neurosim 0.1's, for net.json
    earlier.write_text("half a network")
    os.utime(earlier, (old, old))
    elsewhere = tmp_path / ".other.json.4567cdef.tmp"   # ... for another file: left alone
    elsewhere.write_text("x")
    os.utime(elsewhere, (old, old))
    other = tmp_path / ".other-0123abcd.tmp"            # not ours: never touched
    other.write_text("x")
    os.utime(other, (old, old))
    future = tmp_path / ".neurosim-89abcdef.tmp"        # newer than this save: not an orphan
    future.write_text("x")
    os.utime(future, (time.time() + 60, time.time() + 60))
    write_atomically(tmp_path / "net.json", "new")
    assert sorted(os.listdir(tmp_path)) == [".neurosim-89abcdef.tmp", ".other-0123abcd.tmp",
                                            ".other.json.4567cdef.tmp", "net.json"]


@posix_only
def test_the_temporary_file_of_a_running_save_is_left_alone(tmp_path):
    fcntl = pytest.importorskip("fcntl")
    running = tmp_path / ".neurosim-0123abcd.tmp"
    running.write_text("being written")
    old = time.time() - 60
    os.utime(running, (old, old))
    fd = os.open(running, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)                  # as a save holds it while writing
        write_atomically(tmp_path / "net.json", "new")
        assert running.exists()
    finally:
        os.close(fd)
    write_atomically(tmp_path / "net.json", "newer")    # its save died: now it goes
    assert os.listdir(tmp_path) == ["net.json"]


# -- streams ---------------------------------------------------------------------------------------

@posix_only
def test_write_to_a_fifo_once_it_has_a_reader(tmp_path, quick):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert is_pipe(fifo) and not is_pipe(tmp_path)
    with pytest.raises(FileError, match=r"it is a FIFO \(named pipe\) and no program opened it "
                                        r"for reading within 0.2 s"):
        write_to_pipe(fifo, "x", "the worksheet")
    got = []
    reader = later(0, lambda: got.append(open(fifo, "rb").read()))
    time.sleep(0.05)
    write_to_pipe(fifo, "δ\n")
    reader.join()
    assert got == ["δ\n".encode("utf-8")]


def test_is_standard_output(tmp_path, monkeypatch):
    path = tmp_path / "out.txt"
    with open(path, "w") as f:
        monkeypatch.setattr(sys, "stdout", f)
        assert is_standard_output(path)
        assert not is_standard_output(tmp_path / "other.txt")
    monkeypatch.setattr(sys, "stdout", io.StringIO())     # no file descriptor
    assert not is_standard_output(path)


def test_oserrors_from_writing_name_the_path_given(tmp_path, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(OSError) as info:
        write_atomically(tmp_path / "x.json", "x")
    assert info.value.filename == str(tmp_path / "x.json") and os.listdir(tmp_path) == []
