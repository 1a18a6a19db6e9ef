"""How the reviewers' overview is drawn: the deadline timeline and the bars of claims by
assessment, as inline SVG (no scripts, no inline styles: the CSP holds). The selectors hand
over data; the geometry lives here and the colours in tracker/static/tracker/review.css."""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()

# The timeline's SVG is 600 units wide, about its size on a laptop, so its text stays legible;
# lane labels sit left of the plot, which runs from LEFT to RIGHT.
LEFT, RIGHT = 110, 585
LANE_TOP, LANE_GAP = 30, 40


def _lane_y(index: int) -> int:
    return LANE_TOP + LANE_GAP * index


@register.inclusion_tag("tracker/_timeline.html")
def deadline_timeline(timeline, lanes):
    """The timeline in `timeline` (tracker.selectors.Timeline) drawn in `lanes`' order."""
    y = {lane: _lane_y(i) for i, lane in enumerate(lanes)}
    if not timeline.deadlines:
        return {"timeline": timeline, "dots": []}
    span = (timeline.end - timeline.start).total_seconds()

    def x(moment: dt.datetime) -> float:
        return round(LEFT + (RIGHT - LEFT) * (moment - timeline.start).total_seconds() / span, 1)

    return {
        "timeline": timeline,
        "left": LEFT,
        "right": RIGHT,
        "lanes": [{"name": n, "y": y[n], "count": timeline.counts[n]} for n in lanes],
        # Each date formatted once here: the SVG and the list both show it, and Django's
        # `date` filter, localised, was most of the reviewers' page's rendering (200 dots).
        "dots": [
            {
                "x": x(d.follow_up.due_at),
                "y": y[d.status],
                "deadline": d,
                "due": date_format(timezone.localtime(d.follow_up.due_at), "j M Y"),
                "due_iso": timezone.localtime(d.follow_up.due_at).isoformat(),
            }
            for d in timeline.deadlines
        ],
        "today_x": x(timeline.now),
    }


@register.inclusion_tag("tracker/_assessment_bars.html")
def assessment_bars(rows):
    """One bar per assessment, its length relative to the largest count."""
    top = max((row["count"] for row in rows), default=0)
    return {
        "rows": [{**row, "percent": round(100 * row["count"] / top) if top else 0} for row in rows]
    }
