"""What plans tell the apps built on them, without importing them.

`sessions_moved` is sent inside the atomic service that moves sessions (an approved R-CQ-8 change), so a
receiver's writes commit or roll back with the move: kwargs `plan`, `moves` ([{"id", "before": {"date",
"start", "end"}, "after": {...}}], ISO strings) and `by`. Staffing's dispatch follows its sessions here.
"""

from django.dispatch import Signal

sessions_moved = Signal()
