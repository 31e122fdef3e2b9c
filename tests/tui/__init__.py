"""Tests of the terminal app (Pilot and snapshots)."""
