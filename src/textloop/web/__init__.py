"""The labeling web app (FastAPI + server-rendered Jinja2 + htmx).

``textloop.web.app.create_app`` builds it, ``textloop.web.serve`` runs it. Nothing is
imported here, so CLI commands that only need a URL helper do not load FastAPI.
"""
