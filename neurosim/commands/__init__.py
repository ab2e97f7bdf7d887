"""The subcommands of the ``neurosim`` command line, one module each (see :mod:`neurosim.cli`)."""
