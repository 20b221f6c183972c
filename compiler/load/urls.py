"""Base URLs: which are acceptable, and how one is shown.

Validate (``base_url`` in actionctl.yaml, with its line) and the client (``$OPENMIC_BASE_URL``
too) share one check. A URL is never printed whole: credentials, a path or a query may
hold a key (people paste ``https://gateway/KEY/v2``), so messages, plans and logs show
only ``scheme://host[:port]``, with ``/...`` standing for a path left out.
"""

from __future__ import annotations

import ipaddress
import threading
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urlsplit

if TYPE_CHECKING:
    import logging


def base_url_problem(base_url: str) -> str | None:
    """Why ``base_url`` cannot be used (a message that never quotes it), or None."""
    try:
        parts = urlsplit(base_url.strip())
        parts.port  # noqa: B018 - parses the port: "abc" or 99999 raise ValueError here
    except ValueError:
        return "the base URL is not a valid URL (a bad port, or unbalanced [ ])"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "the base URL is not an http(s) URL with a host"
    if parts.username is not None or parts.password is not None:
        return "the base URL must not contain credentials; the key comes from the environment"
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return (
            f"refusing plain http to {_host(parts)}: the API key would travel unencrypted; "
            "use https (plain http is allowed only for loopback, e.g. the emulator)"
        )
    if parts.query or parts.fragment:
        return "the base URL must not have a ?query or #fragment"
    return None


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def shown_url(base_url: str) -> str:
    """``scheme://host[:port]``, plus ``/...`` when the URL has a path: safe to print."""
    try:
        parts = urlsplit(base_url.strip())
        port = parts.port
    except ValueError:
        return "(an invalid URL)"
    if not parts.hostname:
        return "(a URL without a host)"
    shown = f"{parts.scheme}://{_host(parts)}" + (f":{port}" if port is not None else "")
    return shown + ("/..." if parts.path.strip("/") or parts.query else "")


def _host(parts: SplitResult) -> str:
    host = parts.hostname or ""
    return f"[{host}]" if ":" in host else host


class _HiddenInHttpxLogs:
    """httpx logs each request's full URL (at INFO, when an application turns logging
    on); the base URL's path, query and credentials are masked there too.

    A logging filter is any object with a ``filter`` method: not subclassing
    ``logging.Filter`` spares validate (which checks base URLs) importing logging (~5 ms)."""

    def __init__(self) -> None:
        self.hidden: set[str] = set()
        self.lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        with self.lock:
            hidden = sorted(self.hidden, key=len, reverse=True)
        if not hidden:
            return True
        message = record.getMessage()
        for text in hidden:
            message = message.replace(text, "/...")
        record.msg, record.args = message, ()
        return True


_HTTPX_FILTER = _HiddenInHttpxLogs()


def hide_in_http_logs(base_url: str) -> None:
    """Mask what ``shown_url`` leaves out of ``base_url`` in the httpx library's log."""
    parts = urlsplit(base_url)
    secret = [parts.path.rstrip("/")] if parts.path.strip("/") else []
    if parts.netloc != _host(parts) and "@" in parts.netloc:
        secret.append(parts.netloc.rsplit("@", 1)[0])
    if not secret:
        return
    with _HTTPX_FILTER.lock:
        _HTTPX_FILTER.hidden.update(secret)
    import logging  # here, not at the top: see _HiddenInHttpxLogs

    logger = logging.getLogger("httpx")
    if _HTTPX_FILTER not in logger.filters:
        logger.addFilter(_HTTPX_FILTER)
