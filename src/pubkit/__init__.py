"""pubkit: an offline translation-and-publishing pipeline."""

__version__ = "0.1.0"
