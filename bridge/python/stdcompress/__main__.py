"""python -m stdcompress: the stdcompress command (see stdcompress.cli)."""

import sys

from .cli import main

sys.exit(main())
