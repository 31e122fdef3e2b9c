import sys

from pcp_tui.launch import main

sys.exit(main())
