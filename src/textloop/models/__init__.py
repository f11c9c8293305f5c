"""Embedders and classifiers (scikit-learn estimator convention) and model bundles."""
