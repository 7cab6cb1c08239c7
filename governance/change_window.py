"""Change windows: approved changes are committed only inside ``actions.crm_updates.change_window``."""
from __future__ import annotations

import datetime as dt

from governance.policy import ChangeWindow


def is_open(window: ChangeWindow, now: dt.datetime) -> bool:
    now = now.astimezone(dt.timezone.utc)
    if window.weekdays_only and now.weekday() >= 5:
        return False
    t = now.time().replace(tzinfo=None)
    if window.start < window.end:
        return window.start <= t < window.end
    return t >= window.start or t < window.end  # window spans midnight


def next_opening(window: ChangeWindow, now: dt.datetime) -> dt.datetime:
    """The first instant at or after ``now`` when the window is open."""
    now = now.astimezone(dt.timezone.utc)
    if is_open(window, now):
        return now
    day = now.date()
    for offset in range(0, 8):
        candidate = dt.datetime.combine(day + dt.timedelta(days=offset), window.start, tzinfo=dt.timezone.utc)
        if candidate >= now and is_open(window, candidate):
            return candidate
    raise ValueError("change window never opens")  # unreachable for a valid policy
