"""claimdesk: read news side by side, mark claims, link facts, export training data."""

__version__ = "0.1.0"
