"""Geometry of the dashboard's SVG charts, drawn by templates/reports/charts/*.html.

Charts are computed on the server (no JavaScript library, nothing from the internet), so
they print, work offline and read the same in both languages. Each bar keeps its figure's
URL: a bar is a link to the list behind it.
"""

from dataclasses import dataclass

from django.utils import formats


@dataclass
class Bar:
    label: str
    value: int
    url: str
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0


def horizontal(items, *, width: int = 420, row: int = 36) -> dict:
    """One bar per (label, Figure): the label on its own line (never cut short), the bar
    under it, longest = the full width less room for the figure."""
    items = list(items)
    largest = max((figure.value for _label, figure in items), default=0) or 1
    room = width - 60
    bars = []
    for index, (label, figure) in enumerate(items):
        top = index * row
        bars.append(Bar(
            label=str(label), value=figure.value, url=figure.url, x=0, y=top + 17,
            height=13, width=round(room * figure.value / largest, 1) if figure.value else 0,
        ))
    return {"width": width, "height": max(len(bars), 1) * row, "bars": bars}


def trend(months, *, width: int = 640, height: int = 200) -> dict:
    """Two bars per month (new, resolved) for ``cases.stats.trend`` rows."""
    plot_top, plot_bottom, left = 16, height - 28, 36
    largest = max((max(m["new"].value, m["resolved"].value) for m in months), default=0) or 1
    slot = (width - left) / max(len(months), 1)
    bar_width = slot * 0.36
    scale = (plot_bottom - plot_top) / largest
    columns = []
    for index, month in enumerate(months):
        x = left + index * slot + slot * 0.1
        pair = []
        for offset, key in ((0, "new"), (1, "resolved")):
            figure = month[key]
            bar_height = round(figure.value * scale, 1)
            pair.append(Bar(label=key, value=figure.value, url=figure.url,
                            x=round(x + offset * bar_width, 1),
                            y=round(plot_bottom - bar_height, 1),
                            width=round(bar_width - 1, 1), height=bar_height))
        columns.append({
            "month": month["month"],
            "label": formats.date_format(month["month"], "M"),
            "label_x": round(x + bar_width, 1),
            "bars": pair,
        })
    return {"width": width, "height": height, "columns": columns, "baseline": plot_bottom,
            "left": left, "largest": largest, "top": plot_top, "label_y": height - 10}
