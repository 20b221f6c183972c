"""The SQLite store behind the emulator and the embedded local platform.

It holds agents, their tools and phone numbers, and applies the platform's validation
rules, so both front ends (HTTP in ``emulator``, in-process in ``local``) behave alike.
One connection guarded by a lock: SQLite serialises writers anyway, and the lock makes
the store safe to share between the emulator's request threads. WAL mode lets another
process (a second emulator, an ``actionctl`` run) read while one writes.

Rows come back as plain dicts in the platform's JSON shape; tool ids are integers.

``id_order="shuffled"`` makes tool ids unordered with respect to visibility, as a SQL
sequence under concurrency does: a create takes its id from a sequence first, then
commits after a random delay (up to ``commit_delay_ms``, outside the store's lock), so
a tool with a lower id can become visible after one with a higher id. Nothing in the
vendor's contract promises otherwise; clients must not rely on id order.
"""

from __future__ import annotations

import json
import random
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from compiler.canonical import DEFAULTS, SERVER_FIELDS, TOOL_TYPES, find_null
from compiler.diagnostics.codes import P112
from compiler.platform.base import PlatformError

SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 5000  # how long a write waits for another process's transaction
MAX_NAME_LENGTH = 255
ID_ORDERS = ("sequential", "shuffled")

# Filled in on create when the payload omits them: the platform's documented defaults
# (speak flags, async), i.e. canonical.DEFAULTS without "description". That one is
# canonical's own choice, so that an absent and an empty description compare equal in
# plans; the platform documents no default and returns a tool without one as sent.
TOOL_DEFAULTS: Mapping[str, Any] = {k: v for k, v in DEFAULTS.items() if k != "description"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS agents (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tools (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_uid TEXT NOT NULL,
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tools_by_agent ON tools (agent_uid, id);
CREATE TABLE IF NOT EXISTS phone_numbers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    phone_number TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    inbound_agent_uid TEXT,
    outbound_agent_uid TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""


class StoreError(Exception):
    """A request the platform would refuse. ``status`` is the HTTP status it maps to."""

    status = 400

    def __init__(self, error: str, details: str | None = None) -> None:
        super().__init__(f"{error}: {details}" if details else error)
        self.error = error
        self.details = details

    def body(self) -> dict[str, str]:
        body = {"error": self.error}
        if self.details:
            body["details"] = self.details
        return body


class InvalidRequest(StoreError):
    status = 400


class NotFound(StoreError):
    status = 404


class Conflict(StoreError):
    status = 409


@dataclass(frozen=True)
class Page:
    items: list[Any]  # dicts, or JSON texts from list_tools_json
    has_more: bool
    last_key: int | None  # key of the last item, for the next cursor


def now_iso() -> str:
    """UTC timestamp with fixed width, so SQL string comparison orders it correctly."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def normalize_timestamp(value: str) -> str:
    """Parse an ISO 8601 timestamp from a query and write it like stored ones."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidRequest(
            "Invalid timestamp", f"{value!r} is not an ISO 8601 date-time"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class DatabaseUnusable(PlatformError):
    """The SQLite file cannot be used: not a database, locked, unreadable. The message
    names the file and what to do; it is a platform error, not a bug."""

    code = P112


class DamagedRow(DatabaseUnusable):
    """A row whose stored body is not what this store writes (edited by hand, or by
    another program): reported, never a crash, and never taken for a tool."""

    def __init__(self, kind: str, key: object, problem: str) -> None:
        super().__init__(
            f"the local platform's database has a damaged {kind} row ({kind} {key!r}: "
            f"{problem}); restore it, or move .actionctl/platform.db away to start empty"
        )


def _body(row: sqlite3.Row, kind: str) -> dict[str, Any]:
    """A row's JSON body, checked to be what this store writes."""
    key = row["id"] if kind == "tool" else row["uid"]
    try:
        body = json.loads(row["body"])
    except (TypeError, ValueError):
        raise DamagedRow(kind, key, "its body is not JSON") from None
    if not isinstance(body, dict):
        raise DamagedRow(kind, key, "its body is not a JSON object")
    required = ("type", "name") if kind == "tool" else ("name",)
    for field in required:
        if not isinstance(body.get(field), str):
            raise DamagedRow(kind, key, f"its body has no {field} string")
    return body


class Store:
    """Agents, tools and phone numbers in one SQLite file (created on first use).

    ``display`` is how messages name the file (default: ``path``).
    """

    def __init__(
        self,
        path: Path | str,
        *,
        display: str | None = None,
        id_order: str = "sequential",
        commit_delay_ms: float = 50.0,
    ) -> None:
        if id_order not in ID_ORDERS:
            raise ValueError(f"id_order must be one of {ID_ORDERS}, got {id_order!r}")
        self.path = Path(path)
        self.display = display or str(path)
        self.id_order = id_order
        self.commit_delay_ms = commit_delay_ms
        self._next_id: int | None = None  # the shuffled mode's sequence
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        with self._sqlite_errors():
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
            try:
                self._open()
            except BaseException:
                self._db.close()
                raise

    def _open(self) -> None:
        self._db.row_factory = sqlite3.Row
        self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        with self._lock:
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _sqlite_errors(self) -> Iterator[None]:
        """SQLite's own failures as a DatabaseUnusable naming the file and the way out."""
        try:
            yield
        except sqlite3.DatabaseError as error:  # OperationalError included
            raise DatabaseUnusable(_database_advice(self.display, error)) from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; BEGIN IMMEDIATE so concurrent writers queue, not fail.

        Whatever fails, COMMIT included (disk full, I/O error), the transaction is rolled
        back: left open, it would swallow the next write into a transaction never committed.
        """
        with self._lock, self._sqlite_errors():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock, self._sqlite_errors():
            return self._db.execute(sql, params).fetchall()

    # ----------------------------------------------------------------- agents

    def create_agent(
        self,
        fields: Mapping[str, Any],
        *,
        uid: str | None = None,
        require_prompt: bool = True,
        created_at: str | None = None,
    ) -> dict[str, Any]:
        """``created_at`` (ISO 8601) is for seeding an account with a history (the
        emulator's seed file); the API always stamps the time of the request."""
        body = _plain_object(fields, "agent")
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise InvalidRequest("Validation failed", "name is required")
        if require_prompt and not isinstance(body.get("prompt"), str):
            raise InvalidRequest("Validation failed", "prompt is required")
        for key in ("uid", *SERVER_FIELDS):
            body.pop(key, None)
        uid = uid or f"agent_{secrets.token_hex(8)}"
        stamp = normalize_timestamp(created_at) if created_at is not None else now_iso()
        with self._write() as db:
            if db.execute("SELECT 1 FROM agents WHERE uid = ?", (uid,)).fetchone():
                raise Conflict("Agent already exists", f"an agent with uid {uid!r} exists")
            db.execute(
                "INSERT INTO agents (uid, name, body, created_at, updated_at) VALUES (?,?,?,?,?)",
                (uid, name, _dump(body), stamp, stamp),
            )
        return self.get_agent(uid)

    def ensure_agent(self, uid: str) -> None:
        """Create the agent if it does not exist (the local platform's implicit agents)."""
        stamp = now_iso()
        with self._write() as db:
            db.execute(
                "INSERT OR IGNORE INTO agents (uid, name, body, created_at, updated_at) "
                "VALUES (?,?,?,?,?)",
                (uid, uid, _dump({"name": uid, "prompt": ""}), stamp, stamp),
            )

    def agent_exists(self, uid: str) -> bool:
        return bool(self._read("SELECT 1 FROM agents WHERE uid = ?", (uid,)))

    def get_agent(self, uid: str) -> dict[str, Any]:
        rows = self._read("SELECT * FROM agents WHERE uid = ?", (uid,))
        if not rows:
            raise NotFound("Agent not found", f"no agent with uid {uid!r}")
        return _agent(rows[0])

    def list_agents(
        self, *, after: int = 0, limit: int | None = None, name: str | None = None
    ) -> Page:
        sql = "SELECT * FROM agents WHERE seq > ?"
        params: list[Any] = [after]
        if name is not None:
            sql += " AND name = ?"
            params.append(name)
        rows = self._page(sql + " ORDER BY seq", params, limit)
        return _to_page([_agent(r) for r in rows], [r["seq"] for r in rows], limit)

    def update_agent(self, uid: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        changes = _plain_object(fields, "agent")
        _refuse_null(changes)
        if "name" in changes and (not isinstance(changes["name"], str) or not changes["name"]):
            raise InvalidRequest("Validation failed", "name must be a non-empty string")
        if "prompt" in changes and not isinstance(changes["prompt"], str):
            raise InvalidRequest("Validation failed", "prompt must be a string")
        with self._write() as db:
            row = db.execute("SELECT * FROM agents WHERE uid = ?", (uid,)).fetchone()
            if row is None:
                raise NotFound("Agent not found", f"no agent with uid {uid!r}")
            body = _body(row, "agent")
            for key, value in changes.items():
                if key in ("uid", *SERVER_FIELDS):
                    continue
                body[key] = value
            db.execute(
                "UPDATE agents SET name = ?, body = ?, updated_at = ? WHERE uid = ?",
                (body.get("name", row["name"]), _dump(body), now_iso(), uid),
            )
        return self.get_agent(uid)

    def delete_agent(self, uid: str) -> None:
        with self._write() as db:
            if not db.execute("SELECT 1 FROM agents WHERE uid = ?", (uid,)).fetchone():
                raise NotFound("Agent not found", f"no agent with uid {uid!r}")
            linked = db.execute(
                "SELECT phone_number FROM phone_numbers "
                "WHERE inbound_agent_uid = ? OR outbound_agent_uid = ?",
                (uid, uid),
            ).fetchone()
            if linked:
                raise Conflict(
                    "Agent in use", f"phone number {linked['phone_number']} is linked to it"
                )
            db.execute("DELETE FROM tools WHERE agent_uid = ?", (uid,))
            db.execute("DELETE FROM agents WHERE uid = ?", (uid,))

    # ------------------------------------------------------------------ tools

    def create_tool(self, agent_uid: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        body = prepare_tool(payload)
        stamp = now_iso()
        tool_id = self._allocate_id() if self.id_order == "shuffled" else None
        if tool_id is not None:
            # Committed late: ids taken after this one may become visible before it.
            time.sleep(random.uniform(0, self.commit_delay_ms) / 1000.0)
        with self._write() as db:
            self._require_agent(db, agent_uid)
            cursor = db.execute(
                "INSERT INTO tools (id, agent_uid, type, name, body, created_at, updated_at) "
                "VALUES (?,?,?,?,?,?,?)",
                (tool_id, agent_uid, body["type"], body["name"], _dump(body), stamp, stamp),
            )
            tool_id = int(cursor.lastrowid or 0)
        return self.get_tool(agent_uid, tool_id)

    def _allocate_id(self) -> int:
        """The next id of the shuffled mode's sequence (taken, never given back)."""
        with self._lock, self._sqlite_errors():
            if self._next_id is None:
                row = self._db.execute("SELECT MAX(id) FROM tools").fetchone()
                self._next_id = int(row[0] or 0) + 1
            tool_id = self._next_id
            self._next_id += 1
            return tool_id

    def get_tool(self, agent_uid: str, tool_id: int) -> dict[str, Any]:
        rows = self._read(
            "SELECT * FROM tools WHERE id = ? AND agent_uid = ?", (tool_id, agent_uid)
        )
        if rows:
            return _tool(rows[0])
        if not self.agent_exists(agent_uid):
            raise NotFound("Agent not found", f"no agent with uid {agent_uid!r}")
        raise NotFound("Tool not found", f"no tool {tool_id} on agent {agent_uid!r}")

    def list_tools(
        self,
        agent_uid: str,
        *,
        after: int = 0,
        limit: int | None = None,
        tool_type: str | None = None,
        created_after: str | None = None,
        created_before: str | None = None,
        require_agent: bool = True,
    ) -> Page:
        """Tools of one agent in creation (id) order, after the tool id ``after``.

        ``created_after``/``created_before`` are inclusive and already normalised.
        """
        rows = self._tool_rows(
            agent_uid, after, limit, tool_type, created_after, created_before, require_agent
        )
        return _to_page([_tool(r) for r in rows], [r["id"] for r in rows], limit)

    def list_tools_json(
        self,
        agent_uid: str,
        *,
        after: int = 0,
        limit: int | None = None,
        tool_type: str | None = None,
        created_after: str | None = None,
        created_before: str | None = None,
    ) -> Page:
        """``list_tools`` with each tool as JSON text: the emulator splices the stored
        text into its response instead of decoding and re-encoding every tool."""
        rows = self._tool_rows(agent_uid, after, limit, tool_type, created_after, created_before)
        return _to_page([_tool_json(r) for r in rows], [r["id"] for r in rows], limit)

    def list_tools_offset(
        self, agent_uid: str, *, offset: int, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        """A v1 page: ``limit`` tools from ``offset`` in id order, and the total count."""
        if not self.agent_exists(agent_uid):
            raise NotFound("Agent not found", f"no agent with uid {agent_uid!r}")
        with self._lock, self._sqlite_errors():
            total = self._db.execute(
                "SELECT COUNT(*) FROM tools WHERE agent_uid = ?", (agent_uid,)
            ).fetchone()[0]
            rows = self._db.execute(
                "SELECT * FROM tools WHERE agent_uid = ? ORDER BY id LIMIT ? OFFSET ?",
                (agent_uid, limit, offset),
            ).fetchall()
        return [_tool(r) for r in rows], int(total)

    def _tool_rows(
        self,
        agent_uid: str,
        after: int,
        limit: int | None,
        tool_type: str | None,
        created_after: str | None,
        created_before: str | None,
        require_agent: bool = True,
    ) -> list[sqlite3.Row]:
        if require_agent and not self.agent_exists(agent_uid):
            raise NotFound("Agent not found", f"no agent with uid {agent_uid!r}")
        sql, params = "SELECT * FROM tools WHERE agent_uid = ? AND id > ?", [agent_uid, after]
        if tool_type is not None:
            sql += " AND type = ?"
            params.append(tool_type)
        if created_after is not None:
            sql += " AND created_at >= ?"
            params.append(created_after)
        if created_before is not None:
            sql += " AND created_at <= ?"
            params.append(created_before)
        return self._page(sql + " ORDER BY id", params, limit)

    def update_tool(
        self, agent_uid: str, tool_id: int, fields: Mapping[str, Any], *, merge_nested: bool = False
    ) -> dict[str, Any]:
        """Partial update: only the fields sent change (a ``null`` is refused: no field of
        the platform's schema is nullable, so nothing can be removed that way).

        Nested objects (``static_params``, ``parameters``) are replaced whole unless
        ``merge_nested`` (the emulator's optional shallow-merge mode) is set.
        """
        changes = _plain_object(fields, "tool")
        _refuse_null(changes)
        with self._write() as db:
            row = db.execute(
                "SELECT * FROM tools WHERE id = ? AND agent_uid = ?", (tool_id, agent_uid)
            ).fetchone()
            if row is None:
                self._require_agent(db, agent_uid)
                raise NotFound("Tool not found", f"no tool {tool_id} on agent {agent_uid!r}")
            # ``type`` is patchable (the vendor's schema): the result is checked whole, as
            # the new type's tool, so a field the new type does not take is refused.
            body = _body(row, "tool")
            body = _apply_changes(body, changes, merge_nested=merge_nested)
            check_tool(body)
            db.execute(
                "UPDATE tools SET name = ?, body = ?, updated_at = ? WHERE id = ?",
                (body["name"], _dump(body), now_iso(), tool_id),
            )
        return self.get_tool(agent_uid, tool_id)

    def delete_tool(self, agent_uid: str, tool_id: int) -> None:
        with self._write() as db:
            cursor = db.execute(
                "DELETE FROM tools WHERE id = ? AND agent_uid = ?", (tool_id, agent_uid)
            )
            if cursor.rowcount == 0:
                self._require_agent(db, agent_uid)
                raise NotFound("Tool not found", f"no tool {tool_id} on agent {agent_uid!r}")

    # ---------------------------------------------------------- phone numbers

    def add_phone_number(
        self,
        phone_number: str,
        name: str = "",
        *,
        inbound_agent_uid: str | None = None,
        outbound_agent_uid: str | None = None,
    ) -> dict[str, Any]:
        """Add or update a number (by its E.164 value): numbers come from seeds only."""
        stamp = now_iso()
        with self._write() as db:
            db.execute(
                "INSERT INTO phone_numbers (phone_number, name, inbound_agent_uid, "
                "outbound_agent_uid, created_at, updated_at) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT (phone_number) DO UPDATE SET name = excluded.name, "
                "inbound_agent_uid = excluded.inbound_agent_uid, "
                "outbound_agent_uid = excluded.outbound_agent_uid, "
                "updated_at = excluded.updated_at",
                (phone_number, name, inbound_agent_uid, outbound_agent_uid, stamp, stamp),
            )
            row = db.execute(
                "SELECT * FROM phone_numbers WHERE phone_number = ?", (phone_number,)
            ).fetchone()
        return dict(row)

    def get_phone_number(self, number_id: int) -> dict[str, Any]:
        rows = self._read("SELECT * FROM phone_numbers WHERE id = ?", (number_id,))
        if not rows:
            raise NotFound("Phone number not found", f"no phone number with id {number_id}")
        return dict(rows[0])

    def list_phone_numbers(
        self,
        *,
        after: int = 0,
        limit: int | None = None,
        phone_number: str | None = None,
        name: str | None = None,
    ) -> Page:
        sql = "SELECT * FROM phone_numbers WHERE id > ?"
        params: list[Any] = [after]
        if phone_number is not None:
            sql += " AND phone_number = ?"
            params.append(phone_number)
        if name is not None:
            sql += " AND name = ?"
            params.append(name)
        rows = self._page(sql + " ORDER BY id", params, limit)
        return _to_page([dict(r) for r in rows], [r["id"] for r in rows], limit)

    def link_agent(self, number_id: int, agent_uid: str, direction: str) -> dict[str, Any]:
        columns = _direction_columns(direction)
        with self._write() as db:
            self._require_number(db, number_id)
            self._require_agent(db, agent_uid)
            for column in columns:
                db.execute(
                    f"UPDATE phone_numbers SET {column} = ?, updated_at = ? WHERE id = ?",
                    (agent_uid, now_iso(), number_id),
                )
        return self.get_phone_number(number_id)

    def unlink_agent(self, number_id: int, direction: str = "both") -> dict[str, Any]:
        columns = _direction_columns(direction)
        with self._write() as db:
            self._require_number(db, number_id)
            for column in columns:
                db.execute(
                    f"UPDATE phone_numbers SET {column} = NULL, updated_at = ? WHERE id = ?",
                    (now_iso(), number_id),
                )
        return self.get_phone_number(number_id)

    # ---------------------------------------------------------------- helpers

    def _page(self, sql: str, params: list[Any], limit: int | None) -> list[sqlite3.Row]:
        # One row more than asked tells whether another page exists without a count.
        if limit is not None:
            sql += " LIMIT ?"
            params = [*params, limit + 1]
        return self._read(sql, tuple(params))

    @staticmethod
    def _require_agent(db: sqlite3.Connection, uid: str) -> None:
        if not db.execute("SELECT 1 FROM agents WHERE uid = ?", (uid,)).fetchone():
            raise NotFound("Agent not found", f"no agent with uid {uid!r}")

    @staticmethod
    def _require_number(db: sqlite3.Connection, number_id: int) -> None:
        if not db.execute("SELECT 1 FROM phone_numbers WHERE id = ?", (number_id,)).fetchone():
            raise NotFound("Phone number not found", f"no phone number with id {number_id}")


def prepare_tool(payload: Any) -> dict[str, Any]:
    """The tool as a create stores it: server fields dropped, validated, defaults filled
    in. Raises InvalidRequest (a null anywhere, as in every request body, included)."""
    body = _plain_object(payload, "tool")
    _refuse_null(body)
    for key in SERVER_FIELDS:
        body.pop(key, None)
    check_tool(body)
    for key, default in TOOL_DEFAULTS.items():
        body.setdefault(key, default)
    if body["type"] == "api_request":
        body.setdefault("method", "get")
    return body


def _database_advice(display: str, error: sqlite3.DatabaseError) -> str:
    text = str(error)
    if "not a database" in text or "malformed" in text:
        return (
            f"{display} is not an actionctl database (SQLite: {text}); move it away to start empty"
        )
    if "locked" in text or "busy" in text:
        return (
            f"{display} is locked by another process (waited {BUSY_TIMEOUT_MS // 1000} s); "
            "run again when it has finished"
        )
    if "readonly" in text or "unable to open" in text:
        return f"cannot write {display} (SQLite: {text}); check that it and its folder are writable"
    return f"{display}: SQLite error: {text}"


def check_tool(body: Mapping[str, Any]) -> None:
    """The platform's documented validation of a whole tool; raises InvalidRequest."""
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise InvalidRequest("Validation failed", "name is required")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidRequest(
            "Validation failed", f"name must be at most {MAX_NAME_LENGTH} characters"
        )
    tool_type = body.get("type")
    if tool_type not in TOOL_TYPES:
        raise InvalidRequest(
            "Validation failed", f"type must be one of: {', '.join(TOOL_TYPES)} (got {tool_type!r})"
        )
    _check_types(body)
    if tool_type == "api_request":
        if not isinstance(body.get("url"), str) or not body["url"]:
            raise InvalidRequest("Validation failed", "url is required for api_request tools")
        if body.get("method", "get") not in ("get", "post"):
            raise InvalidRequest("Validation failed", "method must be get or post (lower case)")
    elif "method" in body:
        # The schema documents method for api_request only: stricter than storing it.
        raise InvalidRequest(
            "Validation failed", f"method is only allowed on api_request tools, not {tool_type}"
        )
    if tool_type == "send_sms":
        _check_sms(body.get("static_params"))


_FIELD_TYPES: Mapping[str, tuple[type, ...]] = {
    "description": (str,),
    "url": (str,),
    "method": (str,),
    "parameters": (dict,),
    "static_params": (dict,),
    "use_raw_schema": (bool,),
    "speak_during_execution": (bool,),
    "speak_after_execution": (bool,),
    "async": (bool,),
}


def _check_types(body: Mapping[str, Any]) -> None:
    for key, types in _FIELD_TYPES.items():
        if key in body and not isinstance(body[key], types):
            raise InvalidRequest("Validation failed", f"{key} has the wrong type")
    timeout = body.get("api_timeout")
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, int) or timeout < 1
    ):
        raise InvalidRequest("Validation failed", "api_timeout must be an integer >= 1")


def _check_sms(static_params: Any) -> None:
    if not isinstance(static_params, dict) or not isinstance(static_params.get("message"), str):
        raise InvalidRequest("Validation failed", "static_params.message is required for send_sms")
    if static_params.get("type", "static") not in ("prompt", "static"):
        raise InvalidRequest("Validation failed", "static_params.type must be prompt or static")


def _refuse_null(body: Mapping[str, Any]) -> None:
    null_at = find_null(body)
    if null_at is not None:
        raise InvalidRequest("Validation failed", f"{null_at} must not be null")


def _apply_changes(
    body: dict[str, Any], changes: Mapping[str, Any], *, merge_nested: bool
) -> dict[str, Any]:
    result = dict(body)
    for key, value in changes.items():
        if key in SERVER_FIELDS:
            continue
        if merge_nested and isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = {**result[key], **value}
        else:
            result[key] = value
    return result


def _direction_columns(direction: str) -> tuple[str, ...]:
    columns = {
        "inbound": ("inbound_agent_uid",),
        "outbound": ("outbound_agent_uid",),
        "both": ("inbound_agent_uid", "outbound_agent_uid"),
    }
    if not isinstance(direction, str) or direction not in columns:
        raise InvalidRequest("Validation failed", "direction must be inbound, outbound or both")
    return columns[direction]


def _plain_object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidRequest("Validation failed", f"the {what} must be a JSON object")
    try:
        copy: dict[str, Any] = json.loads(json.dumps(dict(value)))  # a deep, JSON-only copy
        return copy
    except (TypeError, ValueError) as error:  # from Python callers (a seed file), not JSON
        raise InvalidRequest("Validation failed", f"the {what} is not JSON data: {error}") from None


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _tool(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        **_body(row, "tool"),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _tool_json(row: sqlite3.Row) -> str:
    """The same object as ``_tool``, as JSON text (bodies are never empty: type, name)."""
    stamps = json.dumps({"created_at": row["created_at"], "updated_at": row["updated_at"]})
    return f'{{"id":{int(row["id"])},{row["body"][1:-1]},{stamps[1:-1]}}}'


def _agent(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "uid": row["uid"],
        **_body(row, "agent"),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _to_page(items: list[Any], keys: list[int], limit: int | None) -> Page:
    has_more = limit is not None and len(items) > limit
    if has_more:
        items, keys = items[:limit], keys[:limit]
    return Page(items, has_more, keys[-1] if keys else None)
