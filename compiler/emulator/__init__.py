"""An HTTP server that speaks the OpenMic tools API over the local store, for tests,
demos and benchmarks (``actionctl emulator``).

- ``server``: the routes, request checks and responses.
- ``faults``: latency, rate limits and failures injected on purpose.
- ``seed``: an account's starting tools, from a JSON file.
"""
