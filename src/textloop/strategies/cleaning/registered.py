"""Importing this module registers every built-in label-issue method."""

from textloop.strategies.cleaning import cleanlab_default, views_knn  # noqa: F401
