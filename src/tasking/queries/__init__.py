"""The read side's questions. Each returns plain data; the CLI and HTTP layers only render it."""
