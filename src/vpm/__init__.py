"""Video Production Manager: plan a live show's video system, together."""

__version__ = "0.1.0"
