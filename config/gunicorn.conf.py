"""gunicorn settings of the production image: `gunicorn -c config/gunicorn.conf.py config.wsgi`
(Dockerfile, docker-compose.yml). Options given on the command line override these."""

from gunicorn.http import wsgi

bind = "0.0.0.0:8000"
workers = 3
timeout = 60

# gunicorn names itself in a Server header on every response and has no setting to stop
# it; the name only tells a prober which server's weaknesses to try. This file runs in the
# master before it forks, so every worker answers without the header (HTTP/1.x, which the
# sync workers speak).
_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self: wsgi.Response) -> list[str]:
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _default_headers_without_server
