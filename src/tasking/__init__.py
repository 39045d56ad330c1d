"""tasking: an event-sourced daily tasking engine for UK Community Safety Units."""

__version__ = "0.1.0"
