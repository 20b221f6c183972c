"""Plans: what apply would change on the live platform.

- ``model``: ``Plan``/``Change`` values and the saved JSON form.
- ``build``: desired (compiled) + live -> ``Plan``.
- ``make``: the whole pipeline for one project and environment (load, compile, read live).
- ``lines``: one change as signed lines, shared by the people-facing renderers.
- ``text``, ``markdown``, ``json_format``: renderers, each with ``render(plan, ...)``.
"""
