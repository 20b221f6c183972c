"""``actionctl fmt``: the YAML files laid out canonically, comments kept (``layout``)."""
