"""Staff import (P1, X2): a school's or HR system's staff list becomes people and their jobs.

``fields`` knows the columns MIS and HR exports use; ``reader`` reads a CSV or
an .xlsx sheet whole and refuses a file that is not what it claims to be;
``records`` turns each row into checked values; ``plan`` decides what each row
will do against the database as it is; ``apply`` writes an approved plan.
"""
