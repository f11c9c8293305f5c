"""Optional text normalisers: pure functions from a text to the text a model should read."""
