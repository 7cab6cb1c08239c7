"""CLI command groups. Each module exposes ``register(subparsers)``; its parsers set ``func(args) -> int``."""
