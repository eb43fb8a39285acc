"""claimdesk: read news side by side, mark claims, link facts across outlets, export training data."""

__version__ = "0.1.0"
