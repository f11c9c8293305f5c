"""The monitoring page: drift checks, performance and traffic over time, and the latest
monitor run's alerts with the production rows behind them (``stages.monitor.history``).

Stored ``report.html`` files are served too, under their own Content-Security-Policy: the
report is one self-contained page with inline styles and a small sorting script, which the
app's policy refuses, so it is sandboxed instead (no same-origin access, no requests).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse, Response

from textloop.stages.monitor import ALL, monitoring_page, report_file
from textloop.web.auth import Context, SignedIn
from textloop.web.rendering import render

router = APIRouter(prefix="/monitoring")
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
              "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
              "sandbox allow-scripts")
SliceKey = Annotated[str, Query(alias="slice", min_length=1, max_length=300)]
ReportId = Annotated[str, Path(pattern=r"^m(on)?[0-9]{1,12}$")]


@router.get("")
def page(request: Request, context: Context, _: SignedIn, slice_key: SliceKey = ALL) -> Response:
    return render(request, "monitoring.html", title="Monitoring",
                  m=monitoring_page(context.store, context.project, slice_key))


@router.get("/reports/{report_id}")
def report(context: Context, _: SignedIn, report_id: ReportId) -> Response:
    return FileResponse(report_file(context.store, report_id), media_type="text/html",
                        headers={"content-security-policy": REPORT_CSP})
