import sys

from pcp_tui.cli import main

sys.exit(main())
