"""The command line: thin. Each command module parses flags, calls one stage function
and formats its result. ``main`` holds the group and the one place errors become exit codes."""
