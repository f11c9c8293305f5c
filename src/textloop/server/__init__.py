"""The inference server (``textloop serve``): FastAPI routes over ``textloop.stages.serving``."""
