"""One router per page (sign-in, labeling, adjudication, review, agreement, monitoring,
synthetic data) plus the JSON API."""

from textloop.web.routes import adjudicate, agreement, api, label, login, monitoring, review, synth

ROUTERS = (login.router, label.router, adjudicate.router, review.router, agreement.router,
           monitoring.router, synth.router, api.router)
