"""One router per page (sign-in, labeling, adjudication, agreement) plus the JSON API."""

from textloop.web.routes import adjudicate, agreement, api, label, login

ROUTERS = (login.router, label.router, adjudicate.router, agreement.router, api.router)
