"""``python -m bot`` is ``safetybot``."""

import sys

from bot.cli import main

sys.exit(main())
