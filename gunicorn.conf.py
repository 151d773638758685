"""Gunicorn's settings for `make serve`, which gives the address (--bind).

WEB_CONCURRENCY  sync workers (default 3; bench/README.md says why)
MAX_REQUESTS     requests after which a worker is replaced (0: never)
"""

import os
import sys

wsgi_app = "embassy.wsgi"
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
if workers > 1 and not os.environ.get("REDIS_URL"):
    sys.exit(
        f"gunicorn.conf.py: with WEB_CONCURRENCY={workers} workers, set REDIS_URL: "
        "each worker's own cache would miss the others' changes."
    )
# A guard against leaks; cached pages come thousands a second, so not too often.
max_requests = int(os.environ.get("MAX_REQUESTS", "100000"))
max_requests_jitter = 10000
accesslog = "-"
errorlog = "-"
# The control socket's default path ($XDG_RUNTIME_DIR/gunicorn.ctl or
# ~/.gunicorn/gunicorn.ctl) is one per user: every instance on the host would
# share it, so gunicornc would reach whichever started last. Nothing uses it.
control_socket_disable = True
