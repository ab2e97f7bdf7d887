"""The subcommands of the ``neurosim`` command line, one module each (see :mod:`neurosim.cli`)."""


def load_network(path):
    """The network saved at ``path`` (``net.save()``; ``-``: standard input), for a command that
    was given a file.

    A file that cannot be read or is not a saved network raises a
    :class:`~neurosim.errors.NeurosimError` naming the file, which the command line prints as
    one line (exit status 2).
    """
    from ..errors import FormatError
    from ..files import MAX_WRITTEN_BYTES, read_bytes
    from ..serialize import loads
    data = read_bytes(path, "network file", max_bytes=MAX_WRITTEN_BYTES, stdin=True)
    try:
        return loads(data)
    except FormatError as error:
        raise FormatError(f"{'standard input' if path == '-' else path}: {error}") from None
