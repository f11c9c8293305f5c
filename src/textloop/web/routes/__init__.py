"""One router per page (sign-in, labeling, adjudication, review, agreement) plus the JSON API."""

from textloop.web.routes import adjudicate, agreement, api, label, login, review

ROUTERS = (login.router, label.router, adjudicate.router, review.router, agreement.router,
           api.router)
