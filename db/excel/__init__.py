"""Budget workbooks: export a Partnership CPD view, import offline decisions back.

Plain Python (no Qt): the desktop runs it through ``ops.action`` and the CLI
calls it directly.  ``layout`` is the contract between the two directions.
"""
