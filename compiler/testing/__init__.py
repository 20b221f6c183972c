"""Offline tests of actions (``actionctl test``): what the caller would receive, proved
before any call, with no network and no key.

    cases.py     find and read tests/**/*.test.yaml (schemas/test.schema.json)
    select.py    which tests a run takes: PATHS (test or action files), -k
    runner.py    load and validate the project, compile once per action and environment,
                 run each case: run_tests(root, RunOptions) -> TestRun
    observe.py   what a case produces: the SMS, a handover's number, an API request
    arguments.py sample arguments against parameters_schema; the worst case it allows
    expect.py    the assertions, each failure located at its line
    golden.py    golden compiled payloads in tests/golden/<env>/<agent>/<name>.json
    output.py    text, json, github, junit, sarif
    starter.py   --init AGENT/NAME: starter cases from what an action does today
"""

from compiler.testing.runner import RunOptions, run_tests

__all__ = ["RunOptions", "run_tests"]
