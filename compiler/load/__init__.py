"""Loading: find the project's files, parse YAML safely with positions, check each
document against its JSON Schema, and build the ``Project`` model.

    load_project(root) -> LoadResult(project | None, diagnostics)
"""
