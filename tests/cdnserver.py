"""A loopback static host that applies a `_headers` file the way Cloudflare Pages does, and counts
every byte it sends. Shared by tests/site (the cache rules in a real browser) and tests/bench
(bytes per visitor).

What it copies from Cloudflare Pages (https://developers.cloudflare.com/pages/configuration/headers/):
rules are a path pattern followed by indented `Name: value` lines; a `*` is a greedy splat (one
per pattern) and `:name` a placeholder that stops at `/`; every matching rule applies, and a header
set by two rules gets both values joined with a comma; the `_headers` file itself is not served.
Without a rule for Cache-Control the host's default applies: Cloudflare sends `public, max-age=0,
must-revalidate`, GitHub Pages `max-age=600` (pass it as `default_cache_control`). Every response
has a strong ETag from the file's content, as on Cloudflare, and `If-None-Match` gets a 304.
Text files are gzip-compressed when the client accepts it.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.server
import mimetypes
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Self
from urllib.parse import unquote, urlsplit

CLOUDFLARE_DEFAULT = "public, max-age=0, must-revalidate"
GITHUB_PAGES_DEFAULT = "max-age=600"
# Material's fingerprinted bundles (main.<hash>.min.css, bundle.<hash>.min.js, ...).
HASHED = re.compile(r"\.[0-9a-f]{8}\.min\.(?:js|css)$")
MAX_RULES = 100  # Cloudflare's limits for one project
MAX_LINE = 2000
TEXT_SUFFIXES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".atom", ".map")
HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an HTTP token
TYPES = {".atom": "application/atom+xml", ".json": "application/json", ".js": "text/javascript"}


@dataclass(frozen=True)
class Rule:
    pattern: str
    headers: tuple[tuple[str, str], ...]

    def matches(self, path: str) -> bool:
        return pattern_regex(self.pattern).fullmatch(path) is not None


class HeadersFileError(ValueError):
    """A `_headers` line a host would refuse or misread; the message names the line."""


@functools.cache
def pattern_regex(pattern: str) -> re.Pattern:
    """A rule's path as a regex: `*` any characters, `:name` any but `/`, the rest literal."""
    parts = re.split(r"(\*|:[A-Za-z]\w*)", pattern)
    return re.compile("".join("(.*)" if p == "*" else "([^/]+)" if p.startswith(":")
                              else re.escape(p) for p in parts))


def parse_headers(text: str) -> list[Rule]:
    """The rules of a `_headers` file, or HeadersFileError naming the first bad line."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for number, line in enumerate(text.splitlines(), 1):
        where = f"_headers line {number}"
        if len(line) > MAX_LINE:
            raise HeadersFileError(f"{where}: longer than {MAX_LINE} characters")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            if not line.startswith(("/", "https://")) or " " in line.strip():
                raise HeadersFileError(
                    f"{where}: a rule starts with a path (/...) alone on its line")
            if line.count("*") > 1:
                raise HeadersFileError(f"{where}: more than one * in a path")
            if rules and not rules[-1][1]:
                raise HeadersFileError(f"{where}: the rule above has no header lines")
            rules.append((line.strip(), []))
            continue
        name, colon, value = line.strip().partition(":")
        if not rules:
            raise HeadersFileError(f"{where}: a header line before any path")
        if not colon or not HEADER_NAME.match(name) or not value.strip():
            raise HeadersFileError(f"{where}: not an indented `Name: value` header line")
        rules[-1][1].append((name, value.strip()))
    if rules and not rules[-1][1]:
        raise HeadersFileError(f"_headers: the last rule, {rules[-1][0]}, has no header lines")
    if len(rules) > MAX_RULES:
        raise HeadersFileError(f"_headers: {len(rules)} rules, more than the {MAX_RULES} allowed")
    return [Rule(pattern, tuple(headers)) for pattern, headers in rules]


def matching_rules(rules: list[Rule], path: str) -> list[Rule]:
    return [rule for rule in rules if rule.matches(path)]


def headers_for(rules: list[Rule], path: str) -> dict[str, str]:
    """Every matching rule's headers; a name set twice gets its values joined with ", "."""
    merged: dict[str, tuple[str, list[str]]] = {}
    for rule in matching_rules(rules, path):
        for name, value in rule.headers:
            merged.setdefault(name.lower(), (name, []))[1].append(value)
    return {name: ", ".join(values) for name, values in merged.values()}


def cache_control_values(value: str) -> dict[str, int | None]:
    """`public, max-age=300` -> {"public": None, "max-age": 300}."""
    found: dict[str, int | None] = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        key, _, number = part.partition("=")
        found[key.lower()] = int(number) if number else None
    return found


@dataclass(frozen=True)
class Sent:
    """One response as it left the server."""
    path: str
    status: int
    header_bytes: int
    body_bytes: int

    @property
    def total(self) -> int:
        return self.header_bytes + self.body_bytes


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    host: CacheRulesServer

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self._respond(send_body=True)

    def do_HEAD(self):
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        file = self.host.file_for(path)
        if file is None and (self.host.root / path.strip("/")).is_dir():
            return self._finish(path, 301, {"Location": path + "/"}, b"")
        status = 200 if file is not None else 404
        file = file or self.host.root / "404.html"
        body = file.read_bytes() if file.is_file() else b"not found"
        headers = {"Content-Type": self._type(file), "Vary": "Accept-Encoding"}
        zipped = file.suffix in TEXT_SUFFIXES and "gzip" in self.headers.get("Accept-Encoding", "")
        if zipped:
            body = gzip.compress(body, 9, mtime=0)
            headers["Content-Encoding"] = "gzip"
        if status == 200:
            headers.update(self.host.cache_headers(path))
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            headers["ETag"] = etag
            if etag in [t.strip() for t in self.headers.get("If-None-Match", "").split(",")]:
                return self._finish(path, 304, headers, b"")
        self._finish(path, status, headers, body if send_body else b"", len(body))

    def _type(self, file: Path) -> str:
        kind = TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] \
            or "application/octet-stream"
        text = kind.startswith("text/") or kind.endswith(("json", "xml"))
        return kind + ("; charset=utf-8" if text else "")

    def _finish(self, path: str, status: int, headers: dict, body: bytes,
                length: int | None = None):
        self.send_response_only(status)
        self.send_header("Server", self.version_string())
        self.send_header("Date", self.date_time_string(time.time() - self.host.age))
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        head = len(b"".join(self._headers_buffer))
        self.end_headers()
        if body:
            self.wfile.write(body)
        self.host.record(Sent(path, status, head + 2, len(body)))


class ThreadedServer:
    """An http.server on 127.0.0.1 and a free port, serving from a thread until close(); a
    context manager. The base of both loopback hosts the tests use."""

    def __init__(self, handler: type[http.server.BaseHTTPRequestHandler] | functools.partial
                 ) -> None:
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.host = f"127.0.0.1:{self.httpd.server_port}"
        self.url = f"http://{self.host}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CacheRulesServer(ThreadedServer):
    """`root` on 127.0.0.1 and a free port, with `rules` applied; stop it with close().

    `age`, when set, dates every response that many seconds back: a browser then holds what it
    caches as that old already (RFC 9111 4.2.3), which is how a test makes the next visit "an hour
    later" without waiting. `root` may be changed between visits, as a deploy would.
    """

    def __init__(self, root: Path, rules: list[Rule] | None = None,
                 default_cache_control: str = CLOUDFLARE_DEFAULT):
        self.root = root
        self.rules = rules or []
        self.default_cache_control = default_cache_control
        self.age = 0
        self.sent: list[Sent] = []
        self._lock = threading.Lock()
        super().__init__(type("Handler", (_Handler,), {"host": self}))

    def file_for(self, path: str) -> Path | None:
        """The file a static host serves for `path`: index.html for a folder; never _headers."""
        rel = path.lstrip("/")
        if ".." in rel.split("/") or rel == "_headers":
            return None
        file = self.root / rel / "index.html" if path.endswith("/") else self.root / rel
        return file if file.is_file() else None

    def cache_headers(self, path: str) -> dict[str, str]:
        headers = headers_for(self.rules, path)
        if not any(name.lower() == "cache-control" for name in headers):
            headers["Cache-Control"] = self.default_cache_control
        return headers

    def record(self, sent: Sent) -> None:
        with self._lock:
            self.sent.append(sent)

    def take(self) -> list[Sent]:
        """What was sent since the last call."""
        with self._lock:
            taken, self.sent = self.sent, []
        return taken


def load_rules(site: Path) -> list[Rule]:
    return parse_headers((site / "_headers").read_text(encoding="utf-8"))
