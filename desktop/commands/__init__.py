"""Command-line sub-commands. Each module has ``register(subparsers)`` and ``run(args)``.

None of them imports Qt: they work on a server or in a script.
"""
