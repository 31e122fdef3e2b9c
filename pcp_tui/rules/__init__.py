"""Rules that turn observations into an assessment."""
