"""pcp-tui: hold a police force to account against its Police and Crime Plan."""

__version__ = "0.1.0"
