"""Plans: what apply would change on the live platform.

- ``model``: ``Plan``/``Change`` values (and ``FieldPath``, the three-way classes): data only.
- ``file``: the saved plan, written and read (strictly, as untrusted input) in one place.
- ``diff``: the field-level diff of two payloads; ``threeway``: a plan against a git base.
- ``build``: desired (compiled) + live -> ``Plan``.
- ``make``: the whole pipeline for one project and environment (load, compile, read live).
- ``lines``: one change as signed lines, shared by the people-facing renderers.
- ``text``, ``markdown``, ``json_format``: renderers, each with ``render(plan, ...)``.
"""
