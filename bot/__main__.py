"""``python -m bot`` is ``safetybot``."""

import sys

from bot.cli.main import main

sys.exit(main())
