"""One router per page (sign-in, labeling, adjudication, review, agreement, synthetic data)
plus the JSON API."""

from textloop.web.routes import adjudicate, agreement, api, label, login, review, synth

ROUTERS = (login.router, label.router, adjudicate.router, review.router, agreement.router,
           synth.router, api.router)
