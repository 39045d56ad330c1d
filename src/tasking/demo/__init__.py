"""The demo district: a plan of two financial years, and the runner that sends it as commands."""

from tasking.demo.runner import run_demo

__all__ = ["run_demo"]
