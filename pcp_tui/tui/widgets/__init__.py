"""One widget per file, each with its own scoped DEFAULT_CSS."""
