"""moto's DynamoDB-compatible server, with its requests applied one at a time.

moto's own `moto_server` answers on many threads and applies each request without a lock, so two
conditional writes that arrive together can both pass their condition. DynamoDB does not allow
that, and the form service relies on it (a double click must make one record). Holding one lock
per request gives moto the same guarantee while connections are still accepted in parallel.

Usage: python moto_serialised.py HOST PORT
"""

import sys
import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple

app = DomainDispatcherApplication(create_backend_app)
lock = threading.Lock()


def serialised(environ, start_response):
    with lock:
        return list(app(environ, start_response))


if __name__ == "__main__":
    host, port = sys.argv[1], int(sys.argv[2])
    run_simple(
        host,
        port,
        serialised,
        threaded=True,
        request_handler=MotoRequestHandler,
    )
