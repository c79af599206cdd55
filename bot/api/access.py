"""The web server's access log without what paths may carry.

aiohttp's default access log writes each request line: `/api/v1/people/P-1001` names a person
by their code. `RouteAccessLogger` logs the method, the route's template (`/api/v1/people/{code}`),
the status and the time instead; requests matching no route are logged as `?`.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger


class RouteAccessLogger(AbstractAccessLogger):
    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        route = "?"
        match_info = getattr(request, "match_info", None)
        resource = match_info.route.resource if match_info is not None else None
        if resource is not None:
            route = resource.canonical
        self.logger.info("%s %s %s %.3fs", request.method, route, response.status, time)
