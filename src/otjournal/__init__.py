"""otjournal: a command-line session journal for therapy."""

__version__ = "0.1.0"
