"""Helpers shared by the tests: the CLI in process (or as a real process where the process is the
subject), one wait helper, and store builders."""
