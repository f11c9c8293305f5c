"""Self-contained HTML/JSON reports rendered from computed results."""
