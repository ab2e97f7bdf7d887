"""The subcommands of the ``neurosim`` command line, one module each (see :mod:`neurosim.cli`)."""


def load_network(path):
    """The network saved at ``path`` (``net.save()``), for a command that was given a file.

    A file that cannot be read or is not a saved network raises a
    :class:`~neurosim.errors.FormatError` naming the file, which the command line prints as one
    line (exit status 2).
    """
    from ..errors import FormatError
    from ..serialize import load
    try:
        return load(path)
    except OSError as error:
        raise FormatError(f"cannot read network file {path!r}: {error.strerror or error}") from None
    except FormatError as error:
        raise FormatError(f"{path}: {error}") from None
