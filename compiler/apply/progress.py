"""Apply's progress lines: one per finished change, with the time left.

Lines go to the console's stderr side (``Console.progress``), unless ``quiet`` (then
only failures). The time left goes after the counter: the address stays the line's
last word (before a failure's reason), where scripts find it.
"""

from __future__ import annotations

from collections.abc import Callable

from compiler.apply.engine import Outcome
from compiler.apply.eta import Eta, format_duration

ProgressSink = Callable[[str, bool], None]  # (line, ok): ok False is a failure's line


class ChangeProgress:
    """``progress`` for ``apply_plan``: called once per finished change."""

    def __init__(
        self, sink: ProgressSink, *, quiet: bool, requests_per_minute: float | None
    ) -> None:
        self.sink = sink
        self.quiet = quiet
        self.requests_per_minute = requests_per_minute
        self.eta: Eta | None = None

    def __call__(self, done: int, total: int, outcome: Outcome) -> None:
        # This change was made: its line must come out even when Ctrl-C lands while it
        # is being written (the apply counts it as reported); the interrupt follows.
        interrupted = False
        left: float | None = None
        recorded = False
        while True:
            try:
                if not recorded:
                    self.eta = self.eta or Eta(total, requests_per_minute=self.requests_per_minute)
                    left = self.eta.finished(done)
                    recorded = True
                line = change_line(done, total, outcome, left)
                if not (self.quiet and outcome.ok):
                    self.sink(line, outcome.ok)
                break
            except KeyboardInterrupt:
                interrupted = True
        if interrupted:
            raise KeyboardInterrupt


def change_line(done: int, total: int, outcome: Outcome, left: float | None) -> str:
    counter = f"[{done}/{total}]"
    if left and done < total:
        counter += f" (about {format_duration(left)} left)"
    line = f"{counter} {outcome.verb} {outcome.change.address}"
    if not outcome.ok:
        line += f": {outcome.message}"
    return line
