"""The kinds of CPD activity (C1): one list for the data, the demo and flood fill.

An activity stores its type as text; every place that offers or writes a
type takes it from here, so the flood-fill picker, the demo data and the
filters all speak of the same "INSET" rather than "INSET" in one place and
"INSET day" in another.
"""

from __future__ import annotations

COURSE = "Course"
CONFERENCE = "Conference"
INSET = "INSET"
ONLINE = "Online module"
COACHING = "Coaching"
NETWORK = "Network meeting"
OTHER = "Other"

#: in the order the flood-fill picker offers them
ACTIVITY_TYPES: tuple[str, ...] = (INSET, COURSE, CONFERENCE, ONLINE, COACHING, NETWORK, OTHER)
