"""Run the ``nexmo-online-status`` tool from a checkout: ``python examples/online_status.py``.

It takes the same arguments as the installed console script; see ``--help``.
"""

from __future__ import annotations

import sys

from nexmo_client.online_status import main

if __name__ == "__main__":
    sys.exit(main())
