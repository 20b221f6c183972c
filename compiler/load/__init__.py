"""Loading: find the project's files, parse YAML safely with positions, check each
document against its JSON Schema, and build the ``Project`` model.

    load_project(root) -> LoadResult(project | None, diagnostics)
"""

from compiler.load.project import LoadResult, load_project

__all__ = ["LoadResult", "load_project"]
