"""Widgets of the Users & Groups panel: the staff list and the group editor."""
