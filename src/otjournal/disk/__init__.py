"""The notes on disk: the TOML format, safe writes, reading, the cache, checks."""
