"""Rule family 'project file' (E117): settings of actionctl.yaml that the schema cannot judge.

- E117 ``base_url`` is not usable: not http(s), plain http to a host that is not loopback,
  credentials in it, a port out of range, a query. Found here with its line, instead of
  when plan connects (``$OPENMIC_BASE_URL``, which has no line, is still checked then).
  The message never quotes the URL: it may hold credentials or a key.
"""

from __future__ import annotations

from collections.abc import Iterable

from compiler.diagnostics import Diagnostic
from compiler.diagnostics.codes import E117
from compiler.model import Project


def check(project: Project) -> Iterable[Diagnostic]:
    source = project.config.source
    if source is None or not isinstance(source.data, dict):
        return
    base_url = source.data.get("base_url")
    if not isinstance(base_url, str):
        return
    from compiler.load.urls import base_url_problem  # (network modules: only if set)

    problem = base_url_problem(base_url)
    if problem is not None:
        yield Diagnostic.error(source.locate("base_url"), E117, f"base_url: {problem}")
