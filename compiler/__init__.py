"""actionctl: voice-agent actions as YAML in git.

The package is laid out as the pipeline it runs:

    load -> validate -> compile -> platform (read live) -> diff -> plan -> apply
                                                         \\-> importer

Each stage is a module or package with one job; data between stages are the plain
typed objects in ``compiler.model`` and ``compiler.diagnostics``.
"""

__version__ = "0.1.0"
