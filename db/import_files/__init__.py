"""What every spreadsheet import shares (X2): reading a CSV or an .xlsx sheet whole, recognising its
columns by the names exports give them, checking cell values, and column mappings saved by kind.

The staff import (``db.staff_import``) and the request import (``db.request_import``) each say only
what is theirs: their fields, their rows, what a row does.
"""
