"""The web face (issue 13): a FastAPI app over the same commands, queries and renderers as the CLI."""

from tasking.web.app import app_from_env, create_app

__all__ = ["app_from_env", "create_app"]
