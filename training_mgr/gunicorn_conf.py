"""Gunicorn settings for production.

    gunicorn -c python:training_mgr.gunicorn_conf "training_mgr:create_app()"

Workers and threads come from the app's configuration (TRAINING_MGR_WEB_CONCURRENCY,
TRAINING_MGR_WEB_THREADS), the same values check-deploy judges. Command-line options such as
``--bind`` override what is set here.
"""
from training_mgr import create_app

_config = create_app().config

#: behind a reverse proxy on the same machine; use --bind 0.0.0.0:8000 when the proxy is elsewhere
bind = "127.0.0.1:8000"
workers = int(_config["WEB_CONCURRENCY"])
threads = int(_config["WEB_THREADS"])
#: sync workers behind a buffering reverse proxy, which absorbs slow phone connections; the pages are CPU-bound,
#: so threads would only queue for the interpreter lock (measured: docs/performance.md)
worker_class = "gthread" if threads > 1 else "sync"

#: a request taking longer than this is stuck: the worker is replaced and the error logged
timeout = 30
#: on restart or deploy, requests in flight get this long to finish
graceful_timeout = 30
keepalive = 5
#: recycle workers now and then so a slow leak never grows (jitter: not all at once)
max_requests = 2000
max_requests_jitter = 200

accesslog = "-"
errorlog = "-"
loglevel = "info"
#: the request id is the one shown on error pages, so a user's report leads to the log line
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms id=%({x-request-id}o)s "%(a)s"'
#: the proxy adds the client's address and scheme; the app trusts them through PROXY_COUNT
forwarded_allow_ips = "127.0.0.1,::1"
#: no control socket (gunicorn 25.1+ opens one for ``gunicornc`` at the same path, ~/.gunicorn/gunicorn.ctl, for every
#: server of one account, so several servers on a machine would take it from one another): nothing here uses it, and
#: systemd (``kill -HUP``, ``systemctl restart``) manages the servers (older gunicorn ignores this setting)
control_socket_disable = True
