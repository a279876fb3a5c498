"""Coordinates of server-side charts (recognition insights, HR analytics). Python
computes where every bar, tick and label goes; ``templates/charts/_bars.html`` and
``_columns.html`` draw them as SVG (no JavaScript, nothing from a CDN), and each page
shows the same numbers as a table next to the chart."""

import math
from dataclasses import dataclass


def nice_max(value: int) -> int:
    """The top of the y axis: 1, 2 or 5 times a power of ten, at least ``value``."""
    if value <= 4:
        return max(value, 1) if value > 0 else 4
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


@dataclass
class Column:
    label: str
    value: int
    x: int
    y: int
    height: int
    center: int
    show_label: bool
    title: str


def column_chart(
    points: list[tuple[str, int, str]], *, width: int = 820, height: int = 240
) -> dict:
    """A vertical bar per point (label, value, long title), labelled axes, and at most
    about seven x labels so they never overlap."""
    left, right, top, bottom = 40, 8, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = nice_max(max((value for _, value, _ in points), default=0))
    step = plot_w / max(len(points), 1)
    bar = max(4, int(step * 0.64))
    every = max(1, math.ceil(len(points) / 7))
    base = top + plot_h
    columns = []
    for index, (label, value, title) in enumerate(points):
        bar_h = round(plot_h * value / top_value)
        x = round(left + index * step + (step - bar) / 2)
        columns.append(
            Column(
                label=label,
                value=value,
                x=x,
                y=base - bar_h,
                height=bar_h,
                center=x + bar // 2,
                show_label=(len(points) - 1 - index) % every == 0,
                title=title,
            )
        )
    tick_values = {0, top_value}
    if top_value % 2 == 0:
        tick_values.add(top_value // 2)
    ticks = [
        {"value": value, "y": round(base - plot_h * value / top_value)}
        for value in sorted(tick_values)
    ]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "base": base,
        "bar": bar,
        "columns": columns,
        "ticks": ticks,
        "label_y": base + 16,
        "axis_title_y": height - 4,
        "center_x": left + plot_w // 2,
        "mid_y": top + plot_h // 2,
    }


@dataclass
class Bar:
    label: str
    value: int
    text: str  # what is written at the end of the bar
    y: int
    width: int
    text_x: int
    label_y: int


def bar_chart(rows: list[tuple[str, int, str]], *, width: int = 560, top_value=None) -> dict:
    """A horizontal bar per row (label, value, text at the bar's end). ``top_value`` fixes
    the scale (100 for percentages); by default the largest value fills the width."""
    label_w, right, row_h, bar_h, top = min(168, width * 2 // 5), 48, 30, 18, 6
    plot_w = width - label_w - right
    scale = top_value or max((value for _, value, _ in rows), default=0) or 1
    bars = []
    for index, (label, value, text) in enumerate(rows):
        y = top + index * row_h
        bar_w = round(plot_w * min(value, scale) / scale)
        # Characters of about 7 px at 12 px, in the space left of the bars (capitals are wider).
        fits = max(8, (label_w - 16) // 7)
        short = label if len(label) <= fits else label[: fits - 1] + "…"
        bars.append(
            Bar(
                label=short,
                value=value,
                text=text,
                y=y,
                width=bar_w,
                text_x=label_w + bar_w + 6,
                label_y=y + bar_h - 4,
            )
        )
    return {
        "width": width,
        "height": top * 2 + row_h * len(rows),
        "label_w": label_w,
        "label_x": label_w - 8,
        "bar_h": bar_h,
        "bars": bars,
    }
