"""``actionctl init``: the files of a new project (``skeleton``)."""
