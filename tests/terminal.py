"""Drive an interactive command in a pseudo-terminal, as a person at a keyboard would.

`rasa shell` and `rasa interactive` ask through prompt_toolkit, which needs a terminal: with a pipe on
stdin they fail. A pty gives them one; the test waits for what they print and types replies.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time
from dataclasses import dataclass, field

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-B]|\x1b[=>]|\r")


class TerminalTimeout(AssertionError):
    """The program did not print what was expected in time; the message holds its last output."""


@dataclass
class TerminalSession:
    """A command running in a pty; `output` is everything it printed, without terminal escapes."""

    pid: int
    fd: int
    output: str = ""
    _raw: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, command: str, cwd: str, env: dict[str, str]) -> TerminalSession:
        """Run `command` with bash in a new pty (the child leads its own session and process group)."""
        pid, fd = pty.fork()
        if pid == 0:  # the child: becomes the command
            try:
                os.chdir(cwd)
                os.execvpe("bash", ["bash", "-c", command], {**env, "COLUMNS": "160", "LINES": "50"})
            finally:
                os._exit(127)
        # A real terminal's size: Rasa's prompts wrap text to it (a 0-column pty makes them crash).
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
        return cls(pid, fd)

    def expect(self, pattern: str, timeout: float) -> str:
        """Read until `pattern` appears in the output (searched from the start); return the output."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while not regex.search(self.output):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                tail = self.output[-3000:]
                raise TerminalTimeout(f"no {pattern!r} after {timeout:.0f} s; output ends:\n{tail}")
            ready, _, _ = select.select([self.fd], [], [], min(remaining, 1.0))
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # the program closed its terminal (exited)
                tail = self.output[-3000:]
                raise TerminalTimeout(f"exited before {pattern!r}; output ends:\n{tail}") from None
            self._raw.append(chunk.decode("utf-8", errors="replace"))
            self.output = _ANSI.sub("", "".join(self._raw))
        return self.output

    def type(self, text: str) -> None:
        """Type `text` and press Enter."""
        os.write(self.fd, text.encode() + b"\r")

    def stop(self, timeout: float = 30) -> None:
        """Ctrl-C the program's process group, then SIGKILL it if it is still there; close the pty."""
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.pid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + timeout / 3
            while time.monotonic() < deadline:
                done, _status = os.waitpid(self.pid, os.WNOHANG)
                if done:
                    break
                time.sleep(0.2)
            else:
                continue
            break
        os.close(self.fd)
