"""Server-side SVG for the Insights page: a stacked bar chart of days, no script, no internet.

Every bar has a <title> (a tooltip, read by screen readers) with its numbers, and the
chart has a title and a one-line description; the page puts the numbers next to it too.
Colours come from classes (insights/static/insights/insights.css).
"""

import math
from dataclasses import dataclass
from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 24
MAX_DAY_LABELS = 8


@dataclass(frozen=True)
class Series:
    key: str  # the CSS class is series-KEY
    label: str
    values: list[int]  # one per day

    @property
    def total(self) -> int:
        return sum(self.values)


def nice_step(top: int, ticks: int = 4) -> int:
    """A round step (1, 2, 5, 10, 20…) that covers `top` in at most `ticks` steps."""
    rough = max(top, 1) / ticks
    magnitude = 10 ** max(0, math.floor(math.log10(rough))) if rough >= 1 else 1
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= rough:
            return factor * magnitude
    return 10 * magnitude


def short_date(day: date) -> str:
    return f"{day.day} {day:%b}"


def long_date(day: date) -> str:
    return f"{short_date(day)} {day.year}"


def day_summary(day: date, series: list[Series], index: int) -> str:
    """`Thu 2 May 2024: 3 in all; commands 2, reactions and replies 1`."""
    parts = [f"{s.label} {s.values[index]}" for s in series if s.values[index]]
    total = sum(s.values[index] for s in series)
    return f"{day:%a} {long_date(day)}: {total} in all" + (f"; {', '.join(parts)}" if parts else "")


def daily_chart(days: list[date], series: list[Series], *, title: str, chart_id: str) -> SafeString:
    """Bars per day, the series stacked in order; the y axis in round steps."""
    totals = [sum(s.values[i] for s in series) for i in range(len(days))]
    step = nice_step(max(totals, default=0))
    top = step * max(1, math.ceil(max(totals, default=0) / step))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(days), 1)
    bar_w = max(slot * 0.8, 1.0)

    def y(value: float) -> float:
        return TOP + plot_h - value / top * plot_h

    grid = format_html_join(
        "",
        '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text class="axis" x="{}" y="{}" text-anchor="end" dy="0.32em">{}</text>',
        (
            (LEFT, WIDTH - RIGHT, f"{y(v):.1f}", f"{y(v):.1f}", LEFT - 6, f"{y(v):.1f}", v)
            for v in range(0, top + 1, step)
        ),
    )
    every = max(1, math.ceil(len(days) / MAX_DAY_LABELS))
    labels = format_html_join(
        "",
        '<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>',
        (
            (f"{LEFT + slot * (i + 0.5):.1f}", HEIGHT - 6, short_date(day))
            for i, day in enumerate(days)
            if i % every == 0
        ),
    )

    def stack(i: int, x: float) -> SafeString:
        parts, base = [], 0
        for s in series:
            if s.values[i]:
                top_y, base_y = y(base + s.values[i]), y(base)
                parts.append(
                    (s.key, f"{x:.1f}", f"{top_y:.1f}", f"{bar_w:.1f}", f"{base_y - top_y:.1f}")
                )
                base += s.values[i]
        return format_html_join(
            "", '<rect class="series-{}" x="{}" y="{}" width="{}" height="{}"/>', parts
        )

    # A transparent full-height target per day, so its tooltip shows over short bars too.
    bars = format_html_join(
        "",
        '<g class="day"><title>{}</title>'
        '<rect class="target" x="{}" y="{}" width="{}" height="{}"/>{}</g>',
        (
            (
                day_summary(day, series, i),
                f"{LEFT + slot * i:.1f}",
                TOP,
                f"{slot:.1f}",
                plot_h,
                stack(i, LEFT + slot * i + (slot - bar_w) / 2),
            )
            for i, day in enumerate(days)
        ),
    )
    total = sum(totals)
    busiest = max(range(len(days)), key=lambda i: totals[i]) if total else None
    description = f"{total} in {len(days)} days" + (
        f"; the busiest day was {short_date(days[busiest])} with {totals[busiest]}."
        if busiest is not None
        else "."
    )
    return format_html(
        '<svg class="insights-chart" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc" preserveAspectRatio="xMidYMid meet">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}{}{}</svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        grid,
        bars,
        labels,
    )


def with_bars(rows: list, top: int | None = None) -> list[tuple[object, float]]:
    """Rows with their share of the biggest count, in percent, for the bars in tables."""
    rows = rows[:top] if top else rows
    biggest = max((row.count for row in rows), default=0)
    return [(row, round(100 * row.count / biggest, 1) if biggest else 0.0) for row in rows]
