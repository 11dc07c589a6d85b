"""`python -m bot.screening`: answers as JSON on stdin, the result as JSON on stdout.

Invalid input exits with status 2 and one line on stderr naming the field.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from bot.screening.engine import ScreeningInputError, screen

MAX_INPUT_CHARS = 100_000


def run(stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    """Read, screen, print; the exit status."""
    try:
        try:
            text = stdin.read(MAX_INPUT_CHARS + 1)
        except UnicodeDecodeError:
            raise ScreeningInputError("answers", "input is not valid UTF-8") from None
        if len(text) > MAX_INPUT_CHARS:
            raise ScreeningInputError("answers", f"input longer than {MAX_INPUT_CHARS} characters")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScreeningInputError(
                "answers", f"not valid JSON (line {exc.lineno}, column {exc.colno})"
            ) from None
        result = screen(data)
    except ScreeningInputError as exc:
        print(f"error: {exc}", file=stderr)
        return 2
    json.dump(result.to_dict(), stdout, indent=2)
    stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.stdin, sys.stdout, sys.stderr))
