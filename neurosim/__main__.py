"""``python -m neurosim`` runs the command line, as the ``neurosim`` script does."""

import sys

from .cli import main

sys.exit(main())
