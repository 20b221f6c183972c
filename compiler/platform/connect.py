"""Pick and build the ``Platform`` a project targets in one environment.

- ``platform: local`` (the default): the embedded store at ``.actionctl/platform.db``.
- ``platform: openmic``: the REST client; base URL from ``$OPENMIC_BASE_URL`` or the
  project file, API key from the environment variable the project file names.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from compiler.diagnostics.codes import P109, P110
from compiler.load.state import state_dir
from compiler.model import Environment, ProjectConfig
from compiler.platform.base import Platform, PlatformError

if TYPE_CHECKING:
    from compiler.platform.client import OpenMicClient

LOCAL_DB = Path(".actionctl") / "platform.db"
BASE_URL_ENV = "OPENMIC_BASE_URL"
ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]{0,63}")  # = project.schema.json api_key_env


class MissingApiKeyError(PlatformError):
    code = P109  # the env var named by api_key_env is not set


class UnknownPlatformError(PlatformError):
    code = P110  # platform: is neither local nor openmic


def connect(
    config: ProjectConfig,
    environment: Environment,
    project_root: Path,
    *,
    verbose: int = 0,
) -> Platform:
    """The platform for ``environment``; raises a PlatformError a user can act on."""
    # Each target is imported when chosen: the client brings httpx (~50 ms to import),
    # which a project on the local platform never uses.
    if config.platform == "local":
        from compiler.platform.local import LocalPlatform

        # The state folder is made by the first write: a read-only or failed command
        # leaves nothing behind (a directory that is not a project stays untouched).
        return LocalPlatform(
            project_root / LOCAL_DB, display_path=LOCAL_DB.as_posix(), prepare_dir=state_dir
        )
    if config.platform == "openmic":
        return _openmic(config, verbose)
    raise UnknownPlatformError(
        f"unknown platform {config.platform!r} in actionctl.yaml (use local or openmic)"
    )


def _openmic(config: ProjectConfig, verbose: int) -> OpenMicClient:
    from compiler.platform.client import OpenMicClient

    base_url = os.environ.get(BASE_URL_ENV) or config.base_url
    if not ENV_NAME.fullmatch(config.api_key_env):
        # Not echoed: what is not a variable name may be the key itself, pasted there.
        raise MissingApiKeyError(
            "actionctl.yaml api_key_env does not look like the name of an environment "
            "variable (upper-case letters, digits, _); put the variable's NAME there, "
            "never the key (value not shown)"
        )
    api_key = os.environ.get(config.api_key_env)
    if not api_key:
        raise MissingApiKeyError(
            f"the environment variable {config.api_key_env} is not set; export it with "
            f"your OpenMic API key (actionctl.yaml api_key_env names the variable)"
        )
    return OpenMicClient(
        base_url,
        api_key,
        api_prefix=config.api_prefix,
        api_key_env=config.api_key_env,
        requests_per_minute=config.requests_per_minute,
        log=_stderr_log if verbose > 0 else None,
    )


def _stderr_log(line: str) -> None:
    print(f"http: {line}", file=sys.stderr)
