"""Applying a plan to the live platform, safely.

- ``engine``: the changes of a plan, written and read back, with retries and refusals.
- ``lock``: the per-agent lock that keeps two applies apart (taken, renewed, released).
- ``create_once``: creating a tool exactly once although the API has no idempotency keys.
- ``eta``: what is left, in time, at the paced rate.
"""
