"""textloop: from raw text to a monitored text classifier, and back."""

__version__ = "0.1.0"
