"""The plan pipeline for one project and environment: compile, read live, build.

    make_plan(project, environment, platform, prune=..., targets=..., excludes=...)
        -> (Plan, warnings)

Raises ``DiagnosticError`` when the project does not compile, live state cannot be
planned against (unknown agent uid, duplicate live names) or a ``--target``/``--exclude``
address matches nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from compiler.diagnostics import Diagnostic, DiagnosticError, Location, has_errors
from compiler.model import CompiledTool, Environment, Project
from compiler.plan.build import build_plan, empty_agent_warnings, undeclared_rename_warnings
from compiler.plan.commit import source_commit
from compiler.plan.live import read_live
from compiler.plan.model import Plan
from compiler.plan.scope import scope_plan
from compiler.platform.base import Platform


def make_plan(
    project: Project,
    environment: Environment,
    platform: Platform,
    *,
    prune: bool,
    targets: Sequence[str] = (),
    excludes: Sequence[str] = (),
) -> tuple[Plan, list[Diagnostic]]:
    """``targets``/``excludes``: ``--target``/``--exclude`` addresses; the plan is built
    whole, then narrowed (``compiler.plan.scope``), so it knows what it leaves out."""
    from compiler.compile import compile_project

    compiled = compile_project(project, environment)
    diagnostics = list(compiled.diagnostics)
    if has_errors(diagnostics):
        raise DiagnosticError(diagnostics)
    agents = managed_agents(project, environment, compiled.tools.values())
    live = read_live(platform, agents, _agent_locations(project, environment))
    if has_errors(live.diagnostics):
        raise DiagnosticError(diagnostics + live.diagnostics)
    plan = build_plan(
        compiled.tools,
        live,
        environment=environment.name,
        target=platform.target,
        agents=agents,
        prune=prune,
    )
    plan = scope_plan(plan, targets, excludes)
    plan.commit = source_commit(project.root)
    diagnostics += live.diagnostics + empty_agent_warnings(plan, _config_location(project))
    diagnostics += undeclared_rename_warnings(plan, live, compiled.tools)
    return plan, diagnostics


def managed_agents(
    project: Project, environment: Environment, tools: Iterable[CompiledTool]
) -> dict[str, str]:
    """Logical agent -> uid for every agent the project manages in this environment:
    those its actions use and those the environment maps (an agent with no actions left
    is still managed, so prune can clean it up)."""
    agents = dict(environment.agents)
    for tool in tools:
        agents.setdefault(tool.agent, tool.agent_uid)
    for action in project.actions:
        agents.setdefault(action.agent, project.config.agent_uid(environment, action.agent))
    return dict(sorted(agents.items()))


def _config_location(project: Project) -> Location:
    source = project.config.source
    if source is None:
        return Location("actionctl.yaml")
    return Location(source.file, 1, 1)


def _agent_locations(project: Project, environment: Environment) -> dict[str, Location]:
    """Where each logical agent is declared: its line in the environment's agents mapping,
    or else the first action that uses it."""
    locations: dict[str, Location] = {}
    source = project.config.source
    for agent in environment.agents:
        if source is not None:
            locations[agent] = source.locate("environments", environment.name, "agents", agent)
    for action in project.actions:
        locations.setdefault(action.agent, action.locate("agent"))
    return locations
