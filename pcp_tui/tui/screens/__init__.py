"""Screens pushed over the main view: help, note editor, data problems."""
