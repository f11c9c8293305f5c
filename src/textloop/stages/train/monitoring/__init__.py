"""Monitored training: per-epoch history, early stopping, and the written verdict."""

from textloop.stages.train.monitoring.early_stopping import EarlyStopping, History
from textloop.stages.train.monitoring.fit import MonitoredFit, fit_monitored
from textloop.stages.train.monitoring.verdict import Goal, Verdict, VerdictRules, judge

__all__ = ["EarlyStopping", "Goal", "History", "MonitoredFit", "Verdict", "VerdictRules",
           "fit_monitored", "judge"]
