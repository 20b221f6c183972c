"""``actionctl schema [KIND]``: print a JSON Schema, e.g. for an editor's YAML language
server. ``$ref``s are inlined so the output stands alone (``--raw``: the file as written).
"""

from __future__ import annotations

import json

import click

from compiler.cli.context import AppContext, pass_app


@click.command("schema")
@click.argument("kind", required=False, default="action")
@click.option("--list", "list_kinds", is_flag=True, help="List the kinds and exit.")
@click.option("--raw", is_flag=True, help="Print the schema file as written ($refs intact).")
@pass_app
def command(app: AppContext, kind: str, list_kinds: bool, raw: bool) -> int:
    """Print the JSON Schema of KIND (default: action).

    KIND is project, channel, action (any action, by its type) or one action type
    such as send_text_message or openmic.send_sms.

    \b
    Examples:
      actionctl schema > action.schema.json
      actionctl schema channel
      actionctl schema --list
    """
    from compiler.load import schemas
    from compiler.wording import did_you_mean, quoted

    kinds = schemas.kinds()
    if list_kinds:
        click.echo("\n".join(kinds))
        return 0
    if kind not in kinds:
        hint = did_you_mean(kind, kinds)
        raise click.BadParameter(
            f"unknown schema kind {quoted(kind)}{hint}; kinds: {', '.join(kinds)}",
            param_hint="KIND",
        )
    schema = schemas.load_schema(kind) if raw else _standalone(kind)
    click.echo(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0


def _standalone(kind: str) -> dict[str, object]:
    from compiler.load import schemas

    bundled = schemas.bundled(kind)
    source = schemas.load_schema(kind)
    # Keep the document's own identity and dialect at the top.
    return {"$schema": source["$schema"], "$id": source["$id"], **bundled}
