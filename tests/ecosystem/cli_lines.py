"""Find ``actionctl ...`` command lines in shell scripts and documentation, and check
that each one's command and options exist in the real click command tree."""

from __future__ import annotations

import shlex
from collections.abc import Iterator

import click

SHELL_OPERATORS = {"&&", "||", ";", "|", "&", "(", ")", "$(", "`", ";;"}
REDIRECTIONS = {">", ">>", "<", "2>", "2>>", "&>"}


def actionctl_invocations(script: str) -> Iterator[list[str]]:
    """The argument lists of every ``actionctl`` command in a shell script."""
    script = script.replace("\\\n", " ")  # line continuations
    for line in script.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        try:
            tokens = list(lexer)
        except ValueError:  # heredoc bodies (python code) are not shell
            continue
        yield from _commands_named_actionctl(tokens)


def _commands_named_actionctl(tokens: list[str]) -> Iterator[list[str]]:
    command: list[str] = []
    skip_next = False
    for token in [*tokens, ";"]:
        if skip_next:
            skip_next = False
            continue
        if token in REDIRECTIONS:
            skip_next = True
            continue
        if token in SHELL_OPERATORS or token.startswith(("$(", "`")):
            if command and command[0] == "actionctl":
                yield command[1:]
            command = []
            continue
        if not command and _is_assignment(token):
            continue  # FOO=1 actionctl ...
        command.append(token)


def _is_assignment(token: str) -> bool:
    name, equals, _ = token.partition("=")
    return bool(equals) and name.isidentifier()


def options_of(command: click.Command) -> dict[str, click.Parameter]:
    names: dict[str, click.Parameter] = {}
    for param in command.params:
        if isinstance(param, click.Option):
            for name in [*param.opts, *param.secondary_opts]:
                names[name] = param
    return names


def takes_value(param: click.Parameter) -> bool:
    return isinstance(param, click.Option) and not param.is_flag and not param.count


def check_invocation(args: list[str]) -> list[str]:
    """Problems with one ``actionctl ARGS`` line: unknown command, unknown flag."""
    from compiler.cli.main import cli

    problems: list[str] = []
    rest = _consume_options(cli, options_of(cli), args, problems, "actionctl")
    if not rest:
        return problems  # bare `actionctl [OPTIONS]` (usage, --version, completion)
    name, *rest = rest
    with click.Context(cli) as context:
        command = cli.get_command(context, name)
    if command is None:
        return [*problems, f"unknown command {name!r}"]
    options = options_of(command)
    options.update({"--help": click.Option(["--help"], is_flag=True)})
    _consume_options(command, options, rest, problems, f"actionctl {name}", positional_ok=True)
    return problems


def _consume_options(
    command: click.Command,
    options: dict[str, click.Parameter],
    args: list[str],
    problems: list[str],
    where: str,
    *,
    positional_ok: bool = False,
) -> list[str]:
    """Check leading options; return the args from the first positional on (the group's
    subcommand) or, with positional_ok, check options anywhere."""
    index = 0
    while index < len(args):
        arg = args[index]
        if not arg.startswith("-") or arg == "-":
            if not positional_ok:
                return args[index:]
            index += 1
            continue
        flag = arg.split("=", 1)[0]
        param = options.get(flag)
        if param is None:
            problems.append(f"{where}: unknown option {flag}")
        elif takes_value(param) and "=" not in arg:
            index += 1  # its value
        index += 1
    return []
