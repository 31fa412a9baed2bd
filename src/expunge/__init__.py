"""expunge: find a person's data in AI training datasets and models, remove it, prove it."""

__version__ = "0.1.0"
