"""The terminal app: `pcp-tui` with no subcommand opens it.

Only this package imports Textual. It shows the same `Assessment` the printouts use and never
recomputes a rule: the App owns the as-of quarter and the assessment, widgets get them as
reactive attributes and post messages up.
"""
