"""Everything that talks to "the live platform".

- ``base``: the ``Platform`` interface every target implements, and its errors.
- ``store``: the SQLite store behind both the emulator and the embedded local platform.
- ``local``: the embedded platform (``platform: local``), in-process over the store.
- ``client``: the httpx client for the OpenMic REST API (and our emulator).
- ``connect``: picks and builds the right ``Platform`` for a project and environment.
- ``lock_tools``: what an apply lock tool is and says (every stage that reads live
  tools leaves them out with it); taking and releasing locks is apply's
  (``compiler.apply.lock``), and the emulator is a package of its own.
"""
