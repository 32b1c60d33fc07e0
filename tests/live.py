"""A real server for the tests that need one: gunicorn workers over a database of their own."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class LiveServer:
    url: str
    instance: Path
    env: dict[str, str]

    def flask(self, *args: str) -> subprocess.CompletedProcess:
        """Run `flask --app wsgi ARGS` against the server's instance folder."""
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            env=self.env,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerDidNotStart(RuntimeError):
    """gunicorn exited, or was not listening after 20 seconds."""


def prepare(instance: Path, **settings: str) -> LiveServer:
    """Migrate a fresh instance folder, for commands to fill before it is served."""
    env = {**os.environ, "ENTRAIDE_INSTANCE_PATH": str(instance)}
    env.update({f"ENTRAIDE_{key}": value for key, value in settings.items()})
    server = LiveServer(url="", instance=instance, env=env)
    server.flask("db", "upgrade")
    return server


def serve(server: LiveServer, workers: int = 2, log: Path | None = None) -> subprocess.Popen:
    """Serve a prepared instance with gunicorn on a free port, and set the server's URL.

    Without a log file only gunicorn's errors are kept, to explain a failed start; with one, its
    access log and errors go there. Either way they go to a file: a pipe no one reads fills up and
    stops every worker at its next log line."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    if log is None:
        output = tempfile.TemporaryFile()
    else:
        output = log.open("w+b")
        command += ["--access-logfile", "-"]
    with output:
        process = subprocess.Popen(
            [*command, "wsgi:app"], env=server.env, cwd=PROJECT_ROOT, stdout=output, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    process.wait()
                    output.seek(0)
                    errors = output.read().decode(errors="replace")
                    raise ServerDidNotStart(f"the server did not start: {errors[-2000:]}") from None
                time.sleep(0.1)
    server.url = f"http://127.0.0.1:{port}"
    return process


def start(instance: Path, workers: int = 2, **settings: str):
    """Migrate a fresh instance folder and serve it; returns the server and its process."""
    server = prepare(instance, **settings)
    return server, serve(server, workers)


def start_filled(instance: Path, database_url: str | None, fill, workers: int = 2, monkeypatch=None, **settings):
    """Serve a fresh forum and fill it first through an application of the test's own on the same
    database (`fill()` runs in its context; what it adds is committed). Returns the server, its
    process and what `fill` returned. `monkeypatch` points the test's applications at the server's
    instance folder."""
    from app import create_app
    from app.extensions import db

    if database_url:
        settings["SQLALCHEMY_DATABASE_URI"] = database_url
    server, process = start(instance, workers=workers, **settings)
    monkeypatch.setenv("ENTRAIDE_INSTANCE_PATH", str(server.instance))
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url} if database_url else None)
    with app.app_context():
        filled = fill()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return server, process, filled


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


class Browser:
    """A client with its own cookies, speaking to a live server the way a browser's forms do."""

    def __init__(self, base_url: str, headers: dict[str, str] | None = None):
        self.base_url = base_url
        self.headers = headers or {}  # sent with every request, as a browser sends its Accept-Language
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())

    def request(self, method: str, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {**self.headers, **(headers or {})}
        request = urllib.request.Request(self.base_url + path, data=body, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def csrf_token(self, path: str) -> str:
        status, page = self.request("GET", path)
        match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
        assert match, f"no CSRF token on {path} ({status})"
        return match.group(1)

    def log_in(self, login: str, password: str) -> None:
        token = self.csrf_token("/login")
        status, _ = self.request("POST", "/login", {"login": login, "password": password, "csrf_token": token})
        assert status == 302, f"{login} could not log in ({status})"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
