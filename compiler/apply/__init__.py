"""Applying a plan to the live platform, safely.

- ``session``: ``actionctl apply`` as a use case (saved plan, plan-confirm-apply, revert),
  with its ports for the console, the confirmation and the workspace; ``saved`` checks a
  saved plan, ``progress`` and ``stop`` are its progress lines and signal handling.
- ``engine``: the changes of a plan, written and read back, with retries and refusals.
- ``lock``: the per-agent lock that keeps two applies apart (taken, renewed, released).
- ``create_once``: creating a tool exactly once although the API has no idempotency keys.
- ``eta``: what is left, in time, at the paced rate.
"""
