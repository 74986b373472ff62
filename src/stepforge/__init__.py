"""stepforge: synthesise verifiable, step-labelled reasoning data (math and code)."""

__version__ = "0.1.0"

__all__ = ["__version__"]
