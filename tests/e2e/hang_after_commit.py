"""The real `tasking` CLI in a process that stays alive after its command has committed and
printed, so that a test can kill it with SIGKILL in exactly that window."""

from __future__ import annotations

import sys
import time

import tasking.cli


def _hang(code: int) -> None:
    sys.stdout.flush()
    sys.stderr.write(f"finished {code}\n")
    sys.stderr.flush()
    time.sleep(300)


tasking.cli._exit = _hang
if __name__ == "__main__":
    sys.argv = ["tasking", *sys.argv[1:]]
    tasking.cli.main()
