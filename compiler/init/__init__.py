"""``actionctl init``: the files of a new project (``skeleton``), written all or nothing
and never through a link (``start``)."""
