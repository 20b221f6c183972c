"""Fixtures shared by every test package: the CLI in-process, the example project in a
tmp dir, and a real emulator server on a loopback port."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_API_KEY = "test-key-0123456789-SECRET"

# No per-example deadline anywhere: on a shared, loaded machine a slow example is not a
# failure (speed is measured in bench/); a hang is still caught by the suite's timeouts.
settings.register_profile("actionctl", deadline=None)
settings.load_profile("actionctl")


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def write_files(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``files`` (path relative to ``root`` -> text or bytes) below ``root``, making
    the folders on the way; text is written as UTF-8. Returns ``root``."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def emulator_rest(
    url: str,
    method: str,
    path: str,
    body: Any = None,
    *,
    key: str = TEST_API_KEY,
    timeout: float = 10,
) -> Any:
    """One request to the v2 API of the emulator at ``url``, behind actionctl's back (plain
    httpx, no product code); raises on an error status, returns the JSON body (None when
    empty, as for a 204)."""
    import httpx

    response = httpx.request(
        method,
        f"{url}/h/v2{path}",
        headers={"Authorization": f"Bearer {key}"},
        json=body,
        timeout=timeout,
    )
    response.raise_for_status()
    return response.json() if response.content else None


CUSTOM_RECIPIENT_ACTION = "actions/support/send_directions_to_number.yaml"


def deployable_on_openmic(root: Path) -> Path:
    """Make the example project at ``root`` deployable on ``platform: openmic``: its one
    action with a custom recipient (which OpenMic's send_sms cannot express, C630) texts
    the caller instead. Returns ``root``."""
    path = root / CUSTOM_RECIPIENT_ACTION
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace('recipient: "{{ .parameters.phone_number }}"', "recipient: contact"),
            encoding="utf-8",
        )
    return root


def write_openmic_config(
    root: Path, url: str, key_env: str, agents: Mapping[str, str], **extra: Any
) -> None:
    """``root/actionctl.yaml`` for ``platform: openmic`` at ``url`` with the key in
    ``$key_env`` and one environment, ``dev`` (the default), mapping logical agent -> uid;
    unpaced (the emulator has no limit unless a test gives it one); ``extra`` adds
    top-level settings after those."""
    import yaml

    config = {
        "platform": "openmic",
        "base_url": url,
        "api_key_env": key_env,
        "default_environment": "dev",
        "environments": {"dev": {"agents": dict(agents)}},
        "rate_limit": {"requests_per_minute": None},
        **extra,
    }
    root.mkdir(parents=True, exist_ok=True)
    (root / "actionctl.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    deployable_on_openmic(root)


def billion_laughs() -> str:
    """The "billion laughs": ten levels of nine-fold aliases, under a kilobyte of YAML that
    a loader without an alias budget expands to billions of strings."""
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for level in range(1, 10):
        name, previous = chr(97 + level), chr(96 + level)
        text += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
    return text


def read_until_closed(master: int) -> bytes:
    """All a child process writes to the pseudo-terminal whose ``master`` end this is,
    until the child closes its end."""
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``actionctl ARGS...`` in-process; returns exit code, stdout and stderr."""
    from compiler.cli.main import run

    def invoke(*args: str | Path) -> CliResult:
        capsys.readouterr()
        code = run([str(a) for a in args])
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return invoke


@pytest.fixture
def example_project(tmp_path: Path) -> Path:
    """A copy of the repository's example project (actions/, channels/, actionctl.yaml)."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("actions", "channels"):
        if (REPO_ROOT / name).is_dir():
            shutil.copytree(REPO_ROOT / name, root / name)
    if (REPO_ROOT / "actionctl.yaml").is_file():
        shutil.copy(REPO_ROOT / "actionctl.yaml", root / "actionctl.yaml")
    return root


@pytest.fixture
def emulator_factory(tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Start real emulator servers on loopback ports: ``emulator_factory(**config)``.

    Keyword arguments are ``EmulatorConfig`` fields; ``db_path`` and ``api_key`` default
    to a fresh database in tmp_path and TEST_API_KEY. Servers stop at teardown.

    Every server runs the contract check (tests/contract/openapi_check.py): each request
    actionctl's client sends and each response of the emulator is validated against
    docs/openapi/openmic-tools.yaml, and the test fails at teardown on any violation.
    ``server.contract`` is the check (``.violations``, ``.checked_requests``).
    """
    from compiler.emulator.server import EmulatorConfig, EmulatorServer
    from tests.contract.openapi_check import ContractCheck

    servers: list[Any] = []

    def start(**overrides: Any) -> Any:
        overrides.setdefault("db_path", tmp_path / f"emulator-{len(servers)}.db")
        overrides.setdefault("api_key", TEST_API_KEY)
        check = ContractCheck()
        overrides.setdefault("observer", check.observe)
        server = EmulatorServer(EmulatorConfig(**overrides))
        server.contract = check
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
    tally = os.environ.get("ACTIONCTL_CONTRACT_TALLY")  # a file: counts per test, appended
    if tally:
        with open(tally, "a", encoding="utf-8") as out:
            for server in servers:
                check = server.contract
                out.write(f"{check.checked_requests} {check.checked_responses}\n")
    violations = [v for server in servers for v in server.contract.violations]
    assert not violations, "OpenAPI contract violations:\n" + "\n".join(violations[:20])


@pytest.fixture
def emulator(emulator_factory: Callable[..., Any]) -> Any:
    """One emulator with no faults; ``.url`` is its base URL (``http://127.0.0.1:PORT``)."""
    return emulator_factory()
