"""The OpenMic REST client: the one place that knows URLs, auth, paging, retries and pacing.

``OpenMicClient(base_url, api_key)`` implements ``Platform`` over httpx. What it retries:

- 429: always (the platform refused before doing anything), after ``retryAfter`` (body)
  or ``Retry-After`` (header) seconds; every worker pauses, not just the one refused.
- 5xx, timeouts, dropped connections: for idempotent requests only (GET, DELETE, and
  PATCH, which always carries whole nested objects), with exponential backoff + jitter.
  A DELETE that finds the tool gone on a retry succeeded earlier.
- A POST (create) that may have reached the server (5xx, timeout, dropped connection)
  raises ``WriteOutcomeUnknown``: the caller looks the name up before trying again.
  A POST that never left (connection refused) is retried.

The API key lives only in the Authorization header of the httpx client. Messages,
logs (method, path, status, milliseconds) and exceptions never contain it; httpx
exceptions are wrapped, never chained.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import httpx

from compiler import __version__
from compiler.diagnostics.codes import P107, P108, P111, P113, P114
from compiler.load.urls import base_url_problem, hide_in_http_logs, shown_url
from compiler.platform.base import (
    AuthenticationError,
    NotFoundError,
    PlatformError,
    RateLimitedError,
    Tool,
    TransportError,
    ValidationFailed,
    WriteOutcomeUnknown,
)
from compiler.platform.lock_tools import without_lock_agents

LOGGER = logging.getLogger("actionctl.platform.http")
_PUBLISHED_PREFIX = "/h/v2"
_PUBLISHED_URL = "https://api.openmic.ai"
MAX_PAGES = 10_000  # a server that never stops paging is a bug, not a big account


class InsecureBaseUrlError(PlatformError):
    code = P107  # plain http to a non-loopback host, or not a URL at all


class ApiKeyUnusableError(PlatformError):
    code = P108  # empty, or characters an HTTP header cannot carry


class UnexpectedResponseError(PlatformError):
    code = P111  # the server answered, but not in the API's shape


class UnknownPathError(PlatformError):
    code = P113  # 404 for the path itself: the base URL or api_prefix is wrong


class IncompleteListError(PlatformError):
    code = P114  # has_more: true without a next_cursor: the rest of a list is unreachable


# Words a 404's ``error`` uses when a resource is missing ("Agent not found", "Tool not
# found", ...); a 404 without one may be about the path itself.
_RESOURCE_WORDS = ("agent", "tool", "bot", "phone")


def check_base_url(base_url: str) -> str:
    """The base URL without a trailing slash; refuses plain http unless it is loopback."""
    problem = base_url_problem(base_url)
    if problem is not None:  # never echoes the URL: it may hold credentials or a key
        raise InsecureBaseUrlError(problem)
    parts = urlsplit(base_url.strip())
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


class _Pacer:
    """The client's token bucket, shared by every worker thread of one client.

    ``requests_per_minute`` tokens refill continuously and the bucket holds one: requests
    go out evenly spaced. That stays inside the limit whatever window the platform counts
    in (undocumented), while a saved-up burst that overshoots a sliding window costs a
    ``retryAfter`` pause (the documented example: 45 s). Kept as a schedule: ``_due`` is
    when the next token is there, so ``wait`` reserves a start time under the lock and
    sleeps outside it.

    A 429 drains the bucket: every worker waits out the pause, and the next requests
    are spaced from its end rather than released together.
    """

    def __init__(self, requests_per_minute: float | None) -> None:
        self.requests_per_minute = requests_per_minute or None
        self._interval = 60.0 / requests_per_minute if requests_per_minute else 0.0
        self._due = 0.0
        self._paused_until = 0.0
        self._pauses = 0  # how many pauses began: a sleeper re-checks after waking
        self._lock = threading.Lock()

    def wait(self) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._due, self._paused_until)
                self._due = start + self._interval
                pauses = self._pauses
            if start <= now:
                return
            time.sleep(start - now)
            with self._lock:
                if self._pauses == pauses:
                    return
            # A 429 arrived while this worker slept: its reserved time is void.

    def pause(self, seconds: float) -> None:
        """Hold every worker for ``seconds`` after a 429, and empty the bucket.

        Refusals of requests that were already in flight when the first one arrived do
        not extend a running pause: the limit refills from the first refusal on, and
        stretching the pause would leave part of it unused.
        """
        with self._lock:
            now = time.monotonic()
            if self._paused_until <= now:
                self._paused_until = now + seconds
                self._due = max(self._due, self._paused_until)
                self._pauses += 1


class _Failure(Exception):
    """One attempt failed in a retryable way (internal to ``_request``)."""

    def __init__(self, reason: str, sent: bool, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.sent, self.wait = reason, sent, wait


class OpenMicClient:
    """``Platform`` over the OpenMic v2 REST API (or the emulator)."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        api_prefix: str = "/h/v2",
        api_key_env: str = "OPENMIC_API_KEY",
        timeout: float = 30.0,
        max_concurrency: int = 8,
        max_retries: int = 5,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        max_rate_limit_wait: float = 300.0,
        requests_per_minute: float | None = None,
        page_size: int = 100,
        log: Callable[[str], None] | None = None,
    ) -> None:
        url = check_base_url(base_url)
        self.base_url = shown_url(url)  # in messages, plans and logs; httpx alone gets url
        self._base_path = urlsplit(url).path
        hide_in_http_logs(url)
        self.api_prefix = "/" + api_prefix.strip("/")
        self.api_key_env = api_key_env
        self.description = f"OpenMic API at {self.base_url}"
        self.max_concurrency = max(1, max_concurrency)
        self.max_retries = max(0, max_retries)
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_rate_limit_wait = max_rate_limit_wait
        self.page_size = page_size
        self.request_count = 0
        self._secret = _checked_key(api_key, api_key_env)
        self._log = log
        self._slots = threading.BoundedSemaphore(self.max_concurrency)
        self._pacer = _Pacer(requests_per_minute)
        self.requests_per_minute = self._pacer.requests_per_minute  # None: unpaced
        self._prefix_checked: bool | None = None  # does {prefix}/agents exist? (404 triage)
        self._count_lock = threading.Lock()
        self._http = httpx.Client(
            base_url=url,
            headers={
                "Authorization": f"Bearer {self._secret}",
                "Accept": "application/json",
                "User-Agent": f"actionctl/{__version__}",
            },
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            limits=httpx.Limits(
                max_connections=self.max_concurrency,
                max_keepalive_connections=self.max_concurrency,
            ),
        )

    @property
    def target(self) -> dict[str, str]:
        return {"platform": "openmic", "base_url": self.base_url, "api_prefix": self.api_prefix}

    def __repr__(self) -> str:
        return f"OpenMicClient({self.base_url!r}, api_prefix={self.api_prefix!r})"

    # ------------------------------------------------------------ Platform API

    def agent_exists(self, agent_uid: str) -> bool:
        response = self._request("GET", self._agent_path(agent_uid), allow_404=True)
        return response.status_code != 404

    @property
    def is_v1(self) -> bool:
        """v1 (``/v1/bots/{uid}/tools``, limit/offset paging) instead of v2."""
        return self.api_prefix == "/v1"

    def list_agents(self) -> list[dict[str, Any]]:
        self._require_v2("listing agents")
        agents = self._paginate(f"{self.api_prefix}/agents", "agents", "the agent list")
        return without_lock_agents(agents)

    def find_agents(self, name: str) -> list[dict[str, Any]]:
        self._require_v2("finding an agent by name")
        what = f"the agents named {name!r}"
        found = self._paginate(f"{self.api_prefix}/agents", "agents", what, query={"name": name})
        # The filter is the server's: keep only exact matches, whatever it matched on.
        return [agent for agent in found if agent.get("name") == name]

    def create_agent(self, name: str, prompt: str) -> dict[str, Any]:
        self._require_v2("creating an agent")
        response = self._request(
            "POST",
            f"{self.api_prefix}/agents",
            json={"name": name, "prompt": prompt},
            idempotent=False,
            action=f"creating agent {name!r}",
        )
        try:
            return self._object(response, f"the new agent {name!r}")
        except UnexpectedResponseError as error:  # most likely made: look it up by name
            raise WriteOutcomeUnknown(str(error)) from None

    def delete_agent(self, agent_uid: str) -> None:
        self._require_v2("deleting an agent")
        self._request("DELETE", self._agent_path(agent_uid), agent_uid=agent_uid, allow_404=True)

    def list_tools(self, agent_uid: str) -> list[Tool]:
        path = f"{self._agent_path(agent_uid)}/tools"
        what = f"the tools of agent {agent_uid!r}"
        if self.is_v1:
            return self._paginate_offset(path, what, agent_uid)
        return self._paginate(path, "tools", what, agent_uid)

    def list_tools_many(self, agent_uids: list[str]) -> dict[str, list[Tool]]:
        uids = list(dict.fromkeys(agent_uids))
        if len(uids) <= 1:
            return {uid: self.list_tools(uid) for uid in uids}
        pool = ThreadPoolExecutor(max_workers=min(self.max_concurrency, len(uids)))
        try:
            futures = {uid: pool.submit(self.list_tools, uid) for uid in uids}
            return {uid: futures[uid].result() for uid in uids}
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def get_tool(self, agent_uid: str, tool_id: int) -> Tool:
        response = self._request("GET", self._tool_path(agent_uid, tool_id), agent_uid=agent_uid)
        return self._object(response, f"tool {tool_id} of agent {agent_uid!r}")

    def create_tool(self, agent_uid: str, payload: Mapping[str, Any]) -> Tool:
        name = payload.get("name")
        response = self._request(
            "POST",
            f"{self._agent_path(agent_uid)}/tools",
            json=dict(payload),
            idempotent=False,
            agent_uid=agent_uid,
            action=f"creating tool {name!r} on agent {agent_uid!r}",
        )
        try:
            return self._object(response, f"the new tool {name!r}")
        except UnexpectedResponseError as error:  # a 2xx whose body is unreadable: the
            # tool was most likely created; the caller looks it up instead of "FAILED"
            raise WriteOutcomeUnknown(str(error)) from None

    def update_tool(self, agent_uid: str, tool_id: int, fields: Mapping[str, Any]) -> Tool:
        response = self._request(
            "PATCH", self._tool_path(agent_uid, tool_id), json=dict(fields), agent_uid=agent_uid
        )
        return self._object(response, f"tool {tool_id} of agent {agent_uid!r}")

    def delete_tool(self, agent_uid: str, tool_id: int) -> None:
        ambiguous: list[str] = []
        response = self._request(
            "DELETE",
            self._tool_path(agent_uid, tool_id),
            agent_uid=agent_uid,
            allow_404=True,
            ambiguous=ambiguous,
        )
        if response.status_code == 404 and not ambiguous:
            raise self._not_found(response, agent_uid)
        # A 404 after an attempt whose answer was lost: that attempt deleted it.

    def list_phone_numbers(self) -> list[dict[str, Any]]:
        self._require_v2("listing phone numbers")
        return self._paginate(f"{self.api_prefix}/phone-numbers", "phone_numbers", "phone numbers")

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> OpenMicClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- paths

    def _agent_path(self, agent_uid: str) -> str:
        collection = "bots" if self.is_v1 else "agents"
        return f"{self.api_prefix}/{collection}/{path_segment(agent_uid)}"

    def _require_v2(self, what: str) -> None:
        if self.is_v1:
            raise PlatformError(f"{what} needs the v2 API; set api_prefix: /h/v2 in actionctl.yaml")

    def _tool_path(self, agent_uid: str, tool_id: int) -> str:
        return f"{self._agent_path(agent_uid)}/tools/{int(tool_id)}"

    # ---------------------------------------------------------------- paging

    def _paginate(
        self,
        path: str,
        key: str,
        what: str,
        agent_uid: str | None = None,
        *,
        query: Mapping[str, str] | None = None,
    ) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            params: dict[str, Any] = {**(query or {}), "page_size": self.page_size}
            if cursor:
                params["cursor"] = cursor
            response = self._request("GET", path, params=params, agent_uid=agent_uid)
            data = self._object(response, what)
            page = data.get(key)
            if not isinstance(page, list):
                raise self._unexpected(f"{what}: the response has no {key!r} list")
            items.extend(page)
            has_more = data.get("has_more")
            if not isinstance(has_more, bool):
                raise self._unexpected(f"{what}: the response has no has_more (true or false)")
            if not has_more:
                return items
            cursor = data.get("next_cursor")
            if not isinstance(cursor, str) or not cursor:
                # Spec-valid, but the rest is unreachable: a short list would make plan
                # propose creates for tools that exist (duplicates), so it is an error.
                raise IncompleteListError(
                    self._scrub(
                        f"{what}: {self.base_url} said has_more: true but sent no next_cursor "
                        f"after {len(items)} items, so the rest of the list cannot be read; "
                        "nothing was planned from a partial list. Run again; if it persists, "
                        "report it to OpenMic"
                    )
                )
            if cursor in seen:
                raise self._unexpected(f"{what}: the server repeated a page cursor")
            seen.add(cursor)
        raise self._unexpected(f"{what}: more than {MAX_PAGES} pages")

    def _paginate_offset(self, path: str, what: str, agent_uid: str) -> list[dict[str, Any]]:
        """v1 paging (``limit``/``offset``). Offsets shift when tools are created or
        deleted meanwhile, so tools are de-duplicated by id; v2 cursors do not need it."""
        items: dict[Any, dict[str, Any]] = {}
        offset = 0
        for _ in range(MAX_PAGES):
            params = {"limit": self.page_size, "offset": offset}
            response = self._request("GET", path, params=params, agent_uid=agent_uid)
            data = self._object(response, what)
            page = data.get("tools")
            pagination = data.get("pagination")
            if not isinstance(page, list) or not isinstance(pagination, dict):
                raise self._unexpected(f"{what}: the response has no 'tools' and 'pagination'")
            for tool in page:
                if not isinstance(tool, dict):
                    raise self._unexpected(f"{what}: a tool is not a JSON object")
                items.setdefault(tool.get("id", len(items)), tool)
            if not page or not pagination.get("has_more"):
                return list(items.values())
            offset += len(page)
        raise self._unexpected(f"{what}: more than {MAX_PAGES} pages")

    # -------------------------------------------------------------- requests

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool = True,
        agent_uid: str | None = None,
        allow_404: bool = False,
        action: str | None = None,
        ambiguous: list[str] | None = None,
    ) -> httpx.Response:
        """Send with retries; returns a 2xx response (or a 404 when ``allow_404``).

        ``ambiguous`` collects the reasons of attempts that may have reached the server.
        """
        ambiguous = ambiguous if ambiguous is not None else []
        failures = 0
        waited_for_limit = 0.0
        while True:
            try:
                response = self._attempt(method, path, params, json)
                self._check_status(response, method, idempotent, agent_uid, allow_404)
                return response
            except _Failure as failure:
                if failure.wait is not None:  # 429: refused before anything happened
                    waited_for_limit += failure.wait
                    if waited_for_limit > self.max_rate_limit_wait:
                        raise RateLimitedError(
                            f"{self.base_url} kept refusing requests (429 Too Many Requests) "
                            f"for {waited_for_limit:.0f} s; try again later",
                            retry_after=failure.wait,
                        ) from None
                    self._note(
                        f"{self.base_url} is rate limiting (429); waiting {failure.wait:.1f} s"
                    )
                    self._pacer.pause(failure.wait)
                    continue
                if failure.sent and not idempotent:
                    raise WriteOutcomeUnknown(
                        f"{action or method + ' ' + path} at {self.base_url}: {failure.reason}, "
                        "so it may or may not have happened; look it up before trying again",
                        status=None,
                    ) from None
                if failure.sent:
                    ambiguous.append(failure.reason)
                failures += 1
                if failures > self.max_retries:
                    raise TransportError(
                        f"{method} {path} at {self.base_url} failed after {failures} attempts: "
                        f"{failure.reason}"
                    ) from None
                time.sleep(self._backoff(failures))

    def _attempt(
        self, method: str, path: str, params: Mapping[str, Any] | None, json: Any
    ) -> httpx.Response:
        with self._slots:
            # Inside the slot: a worker that waited for a slot must still honour a pause
            # that began meanwhile.
            self._pacer.wait()
            started = time.monotonic()
            with self._count_lock:
                self.request_count += 1
            shown = path + ("?" + urlencode(params) if params else "")
            failure: _Failure | None = None
            try:
                response = self._http.request(method, path, params=params, json=json)
            except httpx.HTTPError as error:
                failure = _Failure(*_describe(error, self.base_url))
            if failure is not None:
                # Raised outside the except block: httpx errors hold the request (and its
                # Authorization header), so they must not ride along as __context__.
                self._log_request(method, shown, failure.reason, started)
                raise failure
            self._log_request(method, shown, str(response.status_code), started)
            return response

    def _check_status(
        self,
        response: httpx.Response,
        method: str,
        idempotent: bool,
        agent_uid: str | None,
        allow_404: bool,
    ) -> None:
        status = response.status_code
        if 200 <= status < 300:
            return
        if status == 429:
            raise _Failure("429 Too Many Requests", sent=False, wait=self._retry_after(response))
        if status >= 500:
            raise _Failure(f"the server answered {status}", sent=True)
        if status in (401, 403):
            raise AuthenticationError(
                f"the API key in ${self.api_key_env} was rejected by {self.base_url} ({status})",
                status=status,
            )
        if status == 404:
            if self._path_unknown(response):
                raise self._unknown_path(response, method)
            if allow_404:
                return
            raise self._not_found(response, agent_uid)
        if status in (400, 422):
            raise ValidationFailed(
                f"{self.base_url} rejected {method} {self._shown_path(response)}: "
                f"{self._error_text(response)}",
                status=status,
            )
        raise PlatformError(
            f"{self.base_url} answered {status} to {method} {self._shown_path(response)}: "
            f"{self._error_text(response)}",
            status=status,
        )

    def _retry_after(self, response: httpx.Response) -> float:
        """Seconds to wait: the body's ``retryAfter``, else the header, else a backoff."""
        candidates: list[Any] = []
        try:
            body = response.json()
            if isinstance(body, dict):
                candidates.append(body.get("retryAfter"))
        except ValueError:
            pass
        candidates.append(response.headers.get("Retry-After"))
        for value in candidates:
            try:
                seconds = float(value)
            except (TypeError, ValueError):
                continue
            if seconds > 0:
                # No jitter: the pause is shared by all workers of this client, and the
                # server's bucket has refilled exactly when it said.
                return seconds
        return self._backoff(1)

    def _backoff(self, failures: int) -> float:
        ceiling = min(self.backoff_max, self.backoff_base * 2.0 ** (failures - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def _log_request(self, method: str, path: str, outcome: str, started: float) -> None:
        self._note(f"{method} {path} -> {outcome} ({(time.monotonic() - started) * 1000:.0f} ms)")

    def _note(self, line: str) -> None:
        """One line for ``-v`` and the debug log (never headers, never the key)."""
        line = self._scrub(line)
        LOGGER.debug("%s", line)
        if self._log is not None:
            self._log(line)

    # -------------------------------------------------------------- errors

    def _path_unknown(self, response: httpx.Response) -> bool:
        """Whether a 404 is about the path itself (a wrong base URL or prefix), not an
        agent or tool: its error names no resource, and ``{prefix}/agents``, which every
        v2 account has, is a 404 too. The check is made once per client."""
        if self._error_names_resource(response) or self.is_v1:
            return False
        if self._prefix_checked is None:
            probe = f"{self.api_prefix}/agents"
            if self._shown_path(response) == probe:
                self._prefix_checked = False
            else:
                try:
                    status = self._attempt("GET", probe, {"page_size": 1}, None).status_code
                except _Failure:
                    return False  # cannot tell: report the 404 as it came
                if status != 404 and not (200 <= status < 300 or status in (401, 403)):
                    return False  # 429, 5xx: cannot tell now, ask again next time
                self._prefix_checked = status != 404
        return not self._prefix_checked

    @staticmethod
    def _error_names_resource(response: httpx.Response) -> bool:
        try:
            body = response.json()
        except ValueError:
            return False
        error = body.get("error") if isinstance(body, dict) else None
        return isinstance(error, str) and any(w in error.lower() for w in _RESOURCE_WORDS)

    def _unknown_path(self, response: httpx.Response, method: str) -> UnknownPathError:
        path = self._shown_path(response)
        return UnknownPathError(
            self._scrub(
                f"{self.base_url} has no {method} {path} (404, and {self.api_prefix}/agents "
                f"is unknown there too): the base URL or api_prefix is wrong, not the agent. "
                f"OpenMic publishes its API under {_PUBLISHED_PREFIX} at {_PUBLISHED_URL}; "
                f"api_prefix is {self.api_prefix!r} (actionctl.yaml), base URL {self.base_url} "
                "($OPENMIC_BASE_URL or base_url)"
            ),
            status=404,
        )

    def _not_found(self, response: httpx.Response, agent_uid: str | None) -> NotFoundError:
        try:
            body = response.json()
        except ValueError:
            body = None
        error = str(body.get("error", "")) if isinstance(body, dict) else ""
        path = self._shown_path(response)
        # The error names what is missing ("Agent not found" / "Tool not found"); without
        # one, a 404 on a tools list means the agent, on a single tool the tool.
        if agent_uid is not None and ("agent" in error.lower() or "/tools/" not in path):
            message = (
                f"agent {agent_uid!r} is unknown to {self.base_url} "
                "(check the agent uid for this environment in actionctl.yaml)"
            )
        elif agent_uid is not None:
            tool_id = path.rsplit("/", 1)[-1]
            message = f"tool {tool_id} of agent {agent_uid!r} does not exist at {self.base_url}"
        else:
            message = f"{path} was not found at {self.base_url}"
        return NotFoundError(self._scrub(message), status=404)

    def _error_text(self, response: httpx.Response) -> str:
        try:
            body = response.json()
        except ValueError:
            return self._scrub(response.text[:200].strip() or response.reason_phrase)
        if not isinstance(body, dict):
            return self._scrub(str(body)[:200])
        parts = [str(body[k]) for k in ("error", "details", "message") if body.get(k)]
        return self._scrub(": ".join(parts) or response.reason_phrase)

    def _object(self, response: httpx.Response, what: str) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            raise self._unexpected(f"{what}: the response is not JSON") from None
        if not isinstance(data, dict):
            raise self._unexpected(f"{what}: the response is not a JSON object")
        return data

    def _unexpected(self, message: str) -> UnexpectedResponseError:
        return UnexpectedResponseError(
            self._scrub(
                f"{self.base_url} answered unexpectedly ({message}); is it the OpenMic API?"
            )
        )

    def _shown_path(self, response: httpx.Response) -> str:
        """The request path without the base URL's own path (it may hold a key)."""
        path = response.request.url.path
        return path.removeprefix(self._base_path) if self._base_path else path

    def _scrub(self, text: str) -> str:
        # Belt and braces: no message we build should hold the key, but if a server echoes
        # it back, it is masked. (Keys too short to be real would mangle ordinary words.)
        return text.replace(self._secret, "***") if len(self._secret) >= 8 else text


def _checked_key(api_key: str, env_name: str) -> str:
    key = api_key.strip()
    if not key:
        raise ApiKeyUnusableError(f"the API key in ${env_name} is empty")
    if not key.isascii() or not key.isprintable() or any(c.isspace() for c in key):
        raise ApiKeyUnusableError(
            f"the API key in ${env_name} contains spaces or characters an HTTP header "
            "cannot carry; copy it again"
        )
    return key


def _describe(error: httpx.HTTPError, base_url: str) -> tuple[str, bool]:
    """A secret-free reason, and whether the request may have reached the server."""
    if isinstance(error, httpx.ConnectTimeout):
        return f"connecting to {base_url} timed out", False
    if isinstance(error, httpx.ConnectError):
        return f"could not connect to {base_url}", False
    if isinstance(error, httpx.PoolTimeout):
        return "no free connection in time", False
    if isinstance(error, httpx.TimeoutException):
        return "no response before the timeout", True
    if isinstance(error, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return "the connection was dropped before a response arrived", True
    return f"the request failed ({type(error).__name__})", True


def path_segment(value: str) -> str:
    """``value`` as one path segment: every reserved character escaped, and a uid of
    only dots (``.``, ``..``) escaped too, which a URL would otherwise resolve as a dot
    segment (``/agents/../tools`` is ``/tools``: another resource)."""
    quoted = quote(value, safe="")
    if quoted.strip(".") == "":
        return quoted.replace(".", "%2E")
    return quoted
