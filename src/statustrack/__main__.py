"""`python -m statustrack`: the same as the `statustrack` command."""

import sys

from statustrack.start import main

sys.exit(main())
