"""Importing this module registers every built-in query strategy."""
