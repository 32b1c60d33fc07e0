"""Production settings for gunicorn: `gunicorn -c deploy/gunicorn.conf.py wsgi:app` from the project folder."""

import multiprocessing
import os

# Loopback only: nginx, on the same host, is the one client; set ENTRAIDE_BIND to serve a proxy elsewhere.
bind = os.environ.get("ENTRAIDE_BIND", "127.0.0.1:8000")

# gunicorn's own rule of thumb: a worker waiting on the database leaves the others the processors.
workers = int(os.environ.get("ENTRAIDE_WORKERS", 2 * multiprocessing.cpu_count() + 1))
# Sync workers: nginx buffers slow clients, so a worker only ever waits on the database and disks.
worker_class = "sync"

# No page takes seconds to render: a worker stuck this long is killed and replaced.
timeout = 30
# On a restart or reload, the requests under way get as long to finish.
graceful_timeout = 30

# Replace each worker after about a thousand requests, so that memory a worker slowly gathers is given
# back; the jitter keeps the workers from all restarting at once.
max_requests = 1000
max_requests_jitter = 100

# One line per request on standard output, where the journal (or a container's log) collects it.
accesslog = "-"

# Trust no proxy's X-Forwarded-* headers here (an empty list): the application's ProxyFix reads them,
# trusting exactly ENTRAIDE_TRUSTED_PROXIES proxies, so the scheme and address are decided in one place.
forwarded_allow_ips = ""

# systemd starts, reloads (HUP) and stops the server: no control socket (gunicornc) in the service
# account's home, where several servers on one host would take each other's.
control_socket_disable = True
