"""The event store: the application, batched saves, the orjson transcoder and store copies."""
