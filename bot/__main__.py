"""`python -m bot` is the same program as `rocky-bot`."""

import sys

from bot.cli import main

sys.exit(main())
