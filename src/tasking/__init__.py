"""tasking: an event-sourced daily tasking engine for UK Community Safety Units."""

__version__ = "0.1.0"


def _hide_numpy_from_sqlite_utils() -> None:
    """sqlite-utils imports numpy, when installed, only to map numpy scalar types to column types;
    tasking never writes numpy values, and that import costs 0.3-0.6 s of every command's start-up.
    This finder refuses numpy to `sqlite_utils.db`'s own import of it and to nobody else: charts
    and maps still import numpy (matplotlib needs it), and once numpy is loaded it is not asked."""
    import sys
    from types import FrameType

    class Finder:
        @staticmethod
        def find_spec(name: str, path: object = None, target: object = None) -> None:
            if name == "numpy":
                frame: FrameType | None = sys._getframe(1)
                while frame is not None:
                    if frame.f_globals.get("__name__") == "sqlite_utils.db":
                        raise ModuleNotFoundError("numpy is not needed by sqlite-utils in tasking", name=name)
                    frame = frame.f_back
            return

    sys.meta_path.insert(0, Finder)


_hide_numpy_from_sqlite_utils()
