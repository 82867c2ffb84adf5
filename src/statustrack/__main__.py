"""`python -m statustrack`: the same as the `statustrack` command."""

import sys

from statustrack.cli import main

sys.exit(main())
