"""What kind of thing is at a path, in the one wording every message uses."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from compiler.wording import FOLDER, file_kind


def test_every_kind_of_path_has_its_words(tmp_path: Path) -> None:
    (tmp_path / "file.yaml").write_text("kind: action\n")
    os.mkfifo(tmp_path / "pipe.yaml")
    listener = socket.socket(socket.AF_UNIX)
    try:
        listener.bind(str(tmp_path / "s"))
        kinds = {
            name: file_kind(os.stat(tmp_path / name).st_mode)
            for name in ("file.yaml", "pipe.yaml", "s")
        }
    finally:
        listener.close()
    assert kinds == {"file.yaml": "a file", "pipe.yaml": "a named pipe (FIFO)", "s": "a socket"}
    assert file_kind(os.stat(tmp_path).st_mode) == FOLDER == "a folder"
    assert file_kind(os.stat("/dev/null").st_mode) == "a device"
    assert file_kind(0) == "a special file"  # no type bits: none of the above
