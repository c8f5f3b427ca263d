"""The flood-fill wizard (F1-F5): choose jobs, describe the activity, review, create."""
