"""Request import (C1, C2, X2): CPD requests kept in a spreadsheet — exported from another CPD system or
kept by a school — become requests in TrustDesk, checked as a hand-entered request is.

``fields`` knows the columns such files use; ``records`` turns each row into a request's details;
``plan`` matches each row to a job and says what it will do (add, duplicate, invalid) against the
database as it is. The shared file reading and saved mappings are in ``db.import_files``; the
service ``db.services.request_import`` previews and applies.
"""
