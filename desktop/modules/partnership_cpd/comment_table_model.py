"""An activity's comment thread, oldest first: when, who, what they wrote."""

from __future__ import annotations

from db.queries.activity_comments import CommentRow
from desktop.kit.formatting import moment
from desktop.kit.row_table_model import Column, RowTableModel


class CommentTableModel(RowTableModel[CommentRow]):
    COLUMNS = (
        Column("When", lambda r: moment(r.at), sort_key=lambda r: (r.at, r.id)),
        Column("Who", lambda r: r.who),
        Column("Comment", lambda r: r.text.replace("\n", " "), tooltip=lambda r: r.text),
    )
