"""Reading and writing the user's files: only files, never too much, never half-written.

Every file neurosim reads or writes for a user goes through this module: networks
(:mod:`neurosim.serialize`), claims (``neurosim check``), step commands (``neurosim step
--commands``), JSON Lines records (:meth:`StepRecord.from_jsonl`) and worksheets.

**Reading** (:func:`read_bytes`, :func:`read_text`) takes a regular file, or a pipe that a
program is writing to (``neurosim show <(gunzip -c net.json.gz)``, ``/dev/stdin``; on the command
line ``-`` names standard input). It refuses, with one sentence naming the file:

* a device (``/dev/zero`` would be read until memory runs out, ``/dev/null`` reads as nothing),
  a socket, a folder;
* a FIFO (named pipe) that no program writes to within :data:`WRITER_WAIT` seconds (reading it
  would wait for ever);
* more bytes than the reader's limit: :data:`MAX_WRITTEN_BYTES` for what neurosim itself writes
  (networks, records), :data:`MAX_TYPED_BYTES` for what people type (claims, commands);
* text that is not UTF-8. A byte order mark (Notepad writes one) is not part of the text.

**Writing** (:func:`write_atomically`) puts the new text in a temporary file next to the target
(``.neurosim-1a2b3c4d.tmp``: short, so a target name of 255 characters still works), flushes it
to disk and renames it over the target in one step, so a reader sees the old file or the new
one, never half of either, and a failed or interrupted save leaves the old file as it was. The
file it replaces keeps its permission bits, owner and group; a symbolic link stays a link and its
target gets the new text. It refuses, unless ``force=True`` (command line: ``--force``):

* a read-only file (the rename would replace it although nobody may write it);
* a file with several hard links: an atomic save writes a new file, so the other names would go
  on showing the old one;
* a file that belongs to another user (the new file would belong to you).

and always refuses a target that is not a regular file (``/dev/null``, a FIFO, a device), a
folder, a name ending in ``/``, and a NUL character in the name. A temporary file left behind by
a save that was killed (or ``.net.json.1a2b3c4d.tmp``, as neurosim 0.1 named them) is removed by
the next save into the same folder; a running save holds a lock on its own, so it is spared.

File-system failures are the usual :class:`OSError` subclasses naming the path given, never the
temporary file; the refusals are :class:`~neurosim.errors.FileError`, which is an
:class:`OSError` too. Where the platform lacks a piece (Pyodide has no ``fcntl``, no
``chown``, no FIFOs), that piece is skipped and the rest still holds.

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "sheet.txt")
>>> write_atomically(path, "out_h1 = 0.593269992\\n")
>>> read_text(path, "claims file", max_bytes=MAX_TYPED_BYTES)
'out_h1 = 0.593269992\\n'
"""

import errno
import os
import re
import stat
import sys
import time
from contextlib import suppress

from .errors import ConfigurationError, FileError, FormatError

__all__ = ["read_bytes", "read_text", "write_atomically", "check_target", "check_path",
           "is_standard_output", "is_pipe", "write_to_pipe", "MAX_WRITTEN_BYTES",
           "MAX_TYPED_BYTES", "WRITER_WAIT"]

#: The most read from a file neurosim writes (a network, a record): 1 GiB. A network at the
#: size limits of :func:`neurosim.validation.check_sizes` (10 million connections, a million
#: neurons with default names) saves to less, even with every number at its longest.
MAX_WRITTEN_BYTES = 1 << 30

#: The most read from a file people type (claims, step commands): 16 MiB.
MAX_TYPED_BYTES = 16 << 20

#: Seconds to wait for a program to open a FIFO for writing before refusing it.
WRITER_WAIT = 1.0

_CHUNK = 1 << 16
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)     # absent on Windows
_O_BINARY = getattr(os, "O_BINARY", 0)         # Windows only
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)

#: What a file that is not a regular file is, in words (any other kind: "special file").
_KINDS = {stat.S_IFDIR: "folder", stat.S_IFCHR: "character device", stat.S_IFBLK: "block device",
          stat.S_IFIFO: "FIFO (named pipe)", stat.S_IFSOCK: "socket"}


# -- paths -----------------------------------------------------------------------------------------

def check_path(path, what=None):
    """``os.fspath(path)``, after refusing what is not a file name at all.

    Not a str, bytes or os.PathLike (``None``, a number, which ``open`` would take as a file
    descriptor): :class:`~neurosim.errors.ConfigurationError`. A NUL character, which no file name
    can hold: :class:`~neurosim.errors.FileError` (``open`` raises a bare ValueError), saying
    ``cannot read {what}`` when reading a ``what``. Messages show a bytes path decoded as the
    operating system would (:func:`os.fsdecode`).
    """
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise ConfigurationError(f"path must be a file name (str, bytes or os.PathLike), "
                                 f"got {path!r}")
    path = os.fspath(path)
    if "\0" in os.fsdecode(path):
        where = f"cannot read {what} " if what else ""
        raise FileError(f"{where}{os.fsdecode(path)!r}: a file name cannot contain a NUL "
                        f"character")
    return path


def _os_error(error, path):
    """The same kind of OSError, naming the user's ``path`` (not a temporary file)."""
    if error.errno is None:                   # a FileError: it names the path already
        return error
    return type(error)(error.errno, error.strerror, os.fsdecode(path))


# -- reading ---------------------------------------------------------------------------------------

def read_bytes(path, what, *, max_bytes, stdin=False, raw_os_errors=False):
    """The bytes of the file at ``path``, a ``what`` (``"network file"``) for the messages.

    Refuses devices, sockets and folders, a FIFO no program writes to within
    :data:`WRITER_WAIT` seconds, and more than ``max_bytes`` bytes
    (:class:`~neurosim.errors.FileError`). With ``stdin=True``, ``"-"`` names standard input
    (the command line's convention), read whatever it is. What the operating system refuses
    (a missing file, no permission) is a FileError ``cannot read network file 'x': No such
    file or directory``; with ``raw_os_errors=True`` it is the OS's own :class:`OSError`
    instead (the Python API: ``except FileNotFoundError`` keeps working).
    """
    path = check_path(path, what)
    if stdin and path in ("-", b"-"):
        return _read_stdin(what, max_bytes)
    try:
        return _read_file(path, os.fsdecode(path), what, max_bytes)
    except OSError as error:
        if raw_os_errors or isinstance(error, FileError):
            raise _os_error(error, path) from None
        raise FileError(f"cannot read {what} {os.fsdecode(path)!r}: "
                        f"{error.strerror or error}") from None


def read_text(path, what, *, max_bytes, stdin=False, raw_os_errors=False):
    """The UTF-8 text of the file at ``path`` (see :func:`read_bytes`), without a byte order
    mark; text that is not UTF-8 is a :class:`~neurosim.errors.FormatError` naming the file and
    the first bad byte."""
    data = read_bytes(path, what, max_bytes=max_bytes, stdin=stdin, raw_os_errors=raw_os_errors)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        name = "standard input" if stdin and path in ("-", b"-") else repr(os.fsdecode(path))
        raise FormatError(f"{what} {name} is not UTF-8 text (byte {error.start}: "
                          f"{data[error.start:error.start + 1]!r})\n"
                          f"save it as UTF-8 text") from None


def _too_large(what, where, n):
    """The refusal of more than ``n`` bytes, ``n`` also in the largest unit that divides it."""
    size = next((f"{n // scale} {unit} ({n:,} bytes)" for unit, scale in
                 (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10))
                 if n >= scale and n % scale == 0), f"{n:,} bytes")
    return FileError(f"cannot read {what} {where}: it holds more than {size}, the most neurosim "
                     f"reads as a {what}")


def _read_stdin(what, max_bytes):
    """Standard input to its end, at most ``max_bytes`` (a terminal, a pipe, a file: any)."""
    if sys.stdin is None:
        raise FileError(f"cannot read {what} from standard input: there is none")
    source = getattr(sys.stdin, "buffer", None)
    data = source.read(max_bytes + 1) if source is not None else \
        sys.stdin.read(max_bytes + 1).encode("utf-8", "surrogateescape")
    if len(data) > max_bytes:
        raise _too_large(what, "from standard input", max_bytes)
    return data


def _read_file(path, shown, what, max_bytes):
    _check_readable(os.stat(path).st_mode, shown, what)   # follows links, /dev/fd/N included
    # O_NONBLOCK: opening a FIFO must not wait for a writer (nor a file swapped in meanwhile).
    fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_BINARY | _O_CLOEXEC)
    try:
        info = os.fstat(fd)
        _check_readable(info.st_mode, shown, what)
        data = bytearray()
        if stat.S_ISFIFO(info.st_mode):
            data += _wait_for_writer(fd, shown, what)
            os.set_blocking(fd, True)         # wait for the writer's every byte (or its end)
        elif info.st_size > max_bytes:        # (O_NONBLOCK does nothing to a regular file)
            raise _too_large(what, repr(shown), max_bytes)
        while len(data) <= max_bytes and (chunk := os.read(fd, min(_CHUNK, max_bytes + 1
                                                                      - len(data)))):
            data += chunk
        if len(data) > max_bytes:
            raise _too_large(what, repr(shown), max_bytes)
        return bytes(data)
    finally:
        os.close(fd)


def _check_readable(mode, shown, what):
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), shown)
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        raise FileError(f"cannot read {what} {shown!r}: it is a "
                        f"{_KINDS.get(stat.S_IFMT(mode), 'special file')}, not a file")


def _wait_for_writer(fd, shown, what):
    """The first bytes, once a program has the FIFO ``fd`` (opened with O_NONBLOCK) open for
    writing; FileError when none has within WRITER_WAIT seconds.

    On an empty pipe, a non-blocking read returns b"" (end of file) when no program has it open
    for writing, and fails with EAGAIN when one has but wrote nothing yet (POSIX, read()). A
    writer that came and left leaves b"", and a blocking read after it returns b"" too.
    """
    import select
    for waited in (False, True):
        try:
            chunk = os.read(fd, _CHUNK)
        except BlockingIOError:
            return b""                        # a writer is there: read it to its end
        if chunk or waited:
            return chunk
        if not select.select([fd], [], [], WRITER_WAIT)[0]:
            raise FileError(f"cannot read {what} {shown!r}: it is a FIFO (named pipe) and "
                            f"nothing was written to it within {WRITER_WAIT:g} s")


# -- writing ---------------------------------------------------------------------------------------

def check_target(path, *, force=False, force_hint="pass force=True"):
    """Refuse, before anything is written, a ``path`` that :func:`write_atomically` would
    refuse: a name ending in ``/``, a folder, anything but a regular file; unless ``force``, a
    read-only file, one with several hard links, one that belongs to another user.
    ``force_hint`` is how the caller's user asks for force (``"give --force"``).

    Returns ``os.stat(path)``, or None when there is no file yet.
    """
    path = check_path(path)
    shown = os.fsdecode(path)
    if not shown:
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), shown)
    if shown.endswith(tuple(filter(None, ("/", os.sep, os.altsep)))):
        raise FileError(f"{shown!r} ends with {shown[-1]!r}, so it names a folder; neurosim "
                        f"writes files\ngive a file name, e.g. {shown + 'net.json'!r}")
    try:
        info = os.stat(path)                  # through symbolic links, as the save writes
    except FileNotFoundError:
        return None                           # a new file (or a dangling link's new target)
    except OSError as error:
        raise _os_error(error, path) from None
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), shown)
    if not stat.S_ISREG(mode):
        raise FileError(f"{shown!r} is a {_KINDS.get(stat.S_IFMT(mode), 'special file')}, not "
                        f"a regular file; neurosim writes only regular files (a new one, or one "
                        f"it replaces)")
    if force:
        return info
    euid = getattr(os, "geteuid", lambda: None)()
    if not mode & 0o222 or (euid not in (None, 0) and not os.access(path, os.W_OK)):
        raise FileError(f"{shown!r} is read-only (mode {stat.S_IMODE(mode):#o}); neurosim does "
                        f"not replace a read-only file\n{force_hint} to replace it anyway, or "
                        f"make it writable first (chmod u+w)")
    if info.st_nlink > 1:
        raise FileError(f"{shown!r} has {info.st_nlink} hard links (names of the same file); "
                        f"saving writes a new file atomically, so the other names would keep "
                        f"the old contents\n{force_hint} to save anyway and split it from them")
    if euid not in (None, 0) and info.st_uid != euid:
        raise FileError(f"{shown!r} belongs to another user (uid {info.st_uid}); saving writes "
                        f"a new file, which would belong to you\n{force_hint} to replace it "
                        f"anyway")
    return info


def write_atomically(path, text, *, force=False, force_hint="pass force=True"):
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` so that a reader sees the old file
    or the new one, never a mix; see the module's docstring for what it refuses and keeps.

    ``force=True`` replaces a read-only file, one with several hard links (they are split from
    it) or one of another user's (keeping its owner where the system allows).
    """
    started = time.time()
    info = check_target(path, force=force, force_hint=force_hint)
    path = os.fsdecode(path)
    target = os.path.realpath(path)           # write through a symlink, not over it
    folder = os.path.dirname(target)
    _remove_orphans(folder, started, os.path.basename(target))
    try:
        fd, tmp = _create_temporary(folder)
        locked = _lock(fd)
        try:
            _write_all(fd, text.encode("utf-8") if isinstance(text, str) else bytes(text))
            os.fsync(fd)
            if info is not None:
                _keep_owner_and_mode(fd, tmp, info)
            if not locked:
                os.close(fd)                  # Windows cannot rename an open file
                fd = None
            os.replace(tmp, target)
        except BaseException:                 # a failure, Ctrl-C: the old file stays as it was
            with suppress(OSError):
                os.unlink(tmp)
            raise
        finally:
            if fd is not None:
                os.close(fd)                  # after the rename: locked until in place
    except OSError as error:
        raise _os_error(error, path) from None
    with suppress(OSError):                   # make the rename itself durable (POSIX)
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def is_standard_output(path):
    """Whether ``path`` names this process's standard output: ``/dev/stdout``, ``/dev/fd/1``,
    or the file the shell sends it to (``-o out.txt >> out.txt``). Writing there must go through
    the stream, which appends where the shell appends, and not replace the file under it."""
    try:
        return os.path.samestat(os.stat(path), os.fstat(sys.stdout.fileno()))
    except (OSError, ValueError, AttributeError):   # no such file; a stream without a descriptor
        return False


def is_pipe(path):
    """Whether ``path`` is a pipe or FIFO (``>(gzip > sheet.gz)`` shows as ``/dev/fd/63``)."""
    try:
        return stat.S_ISFIFO(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def write_to_pipe(path, text, what="the output"):
    """Write ``text`` (UTF-8) into the pipe or FIFO ``path``, once a program reads it; a FIFO
    no program opens for reading within :data:`WRITER_WAIT` seconds is a FileError."""
    shown = os.fsdecode(check_path(path))
    for _ in range(round(WRITER_WAIT / 0.02) + 1):      # try every 0.02 s
        try:
            fd = os.open(path, os.O_WRONLY | _O_NONBLOCK | _O_CLOEXEC)
            break
        except OSError as error:
            if error.errno != errno.ENXIO:      # ENXIO: no reader yet (POSIX, open())
                raise _os_error(error, path) from None
        time.sleep(0.02)
    else:
        raise FileError(f"cannot write {what} to {shown!r}: it is a FIFO (named pipe) and "
                        f"no program opened it for reading within {WRITER_WAIT:g} s")
    with open(fd, "wb") as pipe:                        # closes fd
        if _O_NONBLOCK:
            os.set_blocking(fd, True)
        pipe.write(text.encode("utf-8"))


def _create_temporary(folder):
    """A new, empty file ``.neurosim-XXXXXXXX.tmp`` in ``folder`` (os.open: the umask applies)."""
    for _ in range(100):
        tmp = os.path.join(folder, f".neurosim-{os.urandom(4).hex()}.tmp")
        with suppress(FileExistsError):
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY | _O_CLOEXEC,
                           0o666), tmp
    raise FileExistsError(errno.EEXIST, "could not create a temporary file", folder)


def _lock(fd):
    """Take an exclusive advisory lock on ``fd`` without waiting: True if taken, False if
    another open file holds it (or it cannot tell), None where there is no fcntl (Windows,
    Pyodide: one process; open files stay). A save holds the lock of its temporary file while
    it exists, so a concurrent save does not take it for an orphan."""
    try:
        import fcntl
    except ImportError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _remove_orphans(folder, started, base):
    """Remove the temporary files of saves that died in ``folder``: our naming pattern (or
    ``.{base}.XXXXXXXX.tmp``, the one earlier versions used for the target ``base``), a regular
    file of ours, last written before this save ``started`` and locked by no one."""
    ours = re.compile(rf"(\.neurosim-|{re.escape(f'.{base}.')})[0-9a-f]{{8}}\.tmp\Z")
    euid = getattr(os, "geteuid", lambda: None)()
    with suppress(OSError), os.scandir(folder) as entries:
        for entry in filter(lambda entry: ours.match(entry.name), entries):
            with suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if (stat.S_ISREG(info.st_mode) and info.st_mtime < started
                        and euid in (None, 0, info.st_uid)
                        and not _in_use(entry.path)):
                    os.unlink(entry.path)


def _in_use(path):
    """Whether a running save holds the lock of the temporary file at ``path``."""
    fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_CLOEXEC)
    try:
        return _lock(fd) is False
    finally:
        os.close(fd)


def _keep_owner_and_mode(fd, tmp, info):
    """Give the temporary file the owner, group and permission bits of the file it replaces."""
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) != (info.st_uid, info.st_gid) and hasattr(os, "chown"):
        try:
            os.chown(tmp, info.st_uid, info.st_gid)
        except OSError:                        # not root: keep the group where we are in it
            with suppress(OSError):
                os.chown(tmp, -1, info.st_gid)
    os.chmod(tmp, stat.S_IMODE(info.st_mode))  # after chown, which clears set-id bits
