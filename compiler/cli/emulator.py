"""``actionctl emulator``: serve the OpenMic-compatible API over HTTP until Ctrl-C."""

from __future__ import annotations

import math
import signal
from pathlib import Path

import click

MAX_LATENCY_MS = 600_000.0  # ten minutes: beyond, a client has long given up


@click.command(
    epilog="""\b
Examples:
  actionctl emulator                              http://127.0.0.1:8080, no auth
  OPENMIC_API_KEY=dev actionctl emulator --port 9000 --db sandbox.db
  actionctl emulator --latency-ms 50 --fault-rate 0.05 --fault-seed 7 --rate-limit 100
  actionctl emulator --id-order shuffled          ids not in commit order (race tests)
Point a project at it with platform: openmic and OPENMIC_BASE_URL=<printed URL>.
Behaviour where the OpenMic docs are silent: docs/emulator.md.
"""
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option(
    "--port",
    default=8080,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port (0: any free).",
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path(".actionctl/emulator.db"),
    show_default=True,
    help="SQLite database; state survives restarts.",
)
@click.option(
    "--api-key",
    envvar="OPENMIC_API_KEY",
    show_envvar=True,
    help="Require 'Authorization: Bearer <key>' (default: no auth).",
)
@click.option(
    "--latency-ms",
    type=click.FloatRange(0, MAX_LATENCY_MS),
    default=0,
    show_default=True,
    help="Delay per request.",
)
@click.option(
    "--fault-rate",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Share of requests that fail: 500, 429, dropped connection, lost response.",
)
@click.option("--fault-seed", type=int, default=0, show_default=True, help="Seed for faults.")
@click.option(
    "--rate-limit",
    "rate_limit",
    type=click.IntRange(min=1),
    help="Requests per minute (token bucket); 429 with retryAfter beyond it.",
)
@click.option(
    "--seed",
    "seed_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML with agents (and their tools) and phone numbers to create at start.",
)
@click.option(
    "--id-order",
    type=click.Choice(["sequential", "shuffled"]),
    default="sequential",
    show_default=True,
    help="shuffled: a tool's id is taken at insert and it becomes visible after a random "
    "commit delay, so ids do not follow the order creates become visible.",
)
@click.option(
    "--legacy-v2-prefix",
    "legacy_v2",
    is_flag=True,
    help="Also answer under /v2, an older revision of the API (the vendor publishes /h/v2).",
)
def command(
    host: str,
    port: int,
    db_path: Path,
    api_key: str | None,
    latency_ms: float,
    fault_rate: float,
    fault_seed: int,
    rate_limit: int | None,
    seed_file: Path | None,
    id_order: str,
    legacy_v2: bool,
) -> int:
    """Serve the OpenMic v2 tools API (under /h/v2) from a local SQLite file."""
    if math.isnan(latency_ms):  # FloatRange lets nan through (every comparison is false)
        raise click.BadParameter("must be a number of milliseconds", param_hint="--latency-ms")
    from compiler.emulator.seed import SeedError
    from compiler.emulator.server import EmulatorConfig, EmulatorServer

    config = EmulatorConfig(
        db_path=db_path,
        api_key=api_key or None,
        host=host,
        port=port,
        latency_ms=latency_ms,
        fault_rate=fault_rate,
        fault_seed=fault_seed,
        rate_limit_per_min=rate_limit,
        seed_file=seed_file,
        id_order=id_order,
        legacy_v2_prefix=legacy_v2,
    )
    server = EmulatorServer(config)
    try:
        server.bind()
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None
    except SeedError as error:  # names the file, line and key
        raise click.ClickException(str(error)) from None
    # `kill`, `docker stop`: a clean exit too (installed before the URL is announced).
    previous = signal.signal(signal.SIGTERM, _interrupt)
    auth = "Bearer key required" if config.api_key else "no auth"
    try:
        prefixes = " and ".join(config.prefixes)
        click.echo(f"OpenMic emulator serving {server.url} ({prefixes}; {auth}; db {db_path})")
        click.echo("Press Ctrl-C to stop.", err=True)
        server.serve_forever()
    except KeyboardInterrupt:
        server.stop()  # when interrupted before serve_forever took over the cleanup
        click.echo("Stopped.", err=True)
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
