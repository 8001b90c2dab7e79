"""Server-rendered SVG charts: no JavaScript, nothing from a CDN, readable in greyscale.

Series differ by fill pattern or dash as well as colour, every bar carries its number,
and each chart has a <title> and a <desc> that say what it shows.
"""

from itertools import count

from django.utils.html import escape
from django.utils.safestring import mark_safe

_ids = count(1)
# (css class, dash pattern, marker) per series; the css classes colour them (static/css/app.css).
SERIES_STYLE = [("s1", "", "circle"), ("s2", "6 4", "square"), ("s3", "2 3", "diamond")]


def _fmt(value, unit: str) -> str:
    if value is None:
        return "—"
    text = f"{value:.0f}" if isinstance(value, float) else str(value)
    return f"{text}{unit}"


def _open(title: str, desc: str, width: int, height: int) -> tuple[str, list[str]]:
    uid = f"chart{next(_ids)}"
    head = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{uid}-t {uid}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>',
        f'<defs><pattern id="{uid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" class="hatch-bg"/>'
        '<line x1="0" y1="0" x2="0" y2="6" class="hatch-line" stroke-width="3"/></pattern></defs>',
    ]
    return uid, head


def _legend(uid: str, series: list[str], x: int, y: int, *, lines: bool = False) -> list[str]:
    parts = []
    for i, name in enumerate(series):
        css, dash, marker = SERIES_STYLE[i % len(SERIES_STYLE)]
        if lines:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{x}" y1="{y - 4}" x2="{x + 22}" y2="{y - 4}" class="line {css}"{dash_attr}/>'
            )
            parts.append(_marker(marker, x + 11, y - 4, css))
            parts.append(f'<text x="{x + 28}" y="{y}" class="legend">{escape(name)}</text>')
            x += 40 + 8 * len(name)
            continue
        fill = f'fill="url(#{uid}-hatch)"' if i == 1 else ""
        parts.append(f'<rect x="{x}" y="{y - 10}" width="14" height="12" class="bar {css}" {fill}/>')
        parts.append(f'<text x="{x + 20}" y="{y}" class="legend">{escape(name)}</text>')
        x += 30 + 8 * len(name)
    return parts


def bar_chart(
    title: str,
    rows: list[tuple[str, list]],
    series: list[str],
    *,
    unit: str = "%",
    max_value: float | None = 100,
) -> str:
    """Grouped horizontal bars: one group per row label, one bar per series."""
    if not rows:
        return ""
    longest = max(len(label) for label, _ in rows)
    label_w, bar_h, gap, width = min(220, 24 + 8 * longest), 20, 12, 560
    group_h = bar_h * len(series) + gap
    height = 40 + group_h * len(rows) + 10
    top = max_value or max((v or 0) for _, values in rows for v in values) or 1
    summary = "; ".join(
        f"{label}: " + ", ".join(f"{s} {_fmt(v, unit)}" for s, v in zip(series, values))
        for label, values in rows
    )
    uid, parts = _open(title, summary, width, height)
    parts += _legend(uid, series, label_w, 18)
    plot_w = width - label_w - 70
    y = 36
    for label, values in rows:
        parts.append(
            f'<text x="{label_w - 8}" y="{y + group_h / 2}" class="label" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        for i, value in enumerate(values):
            css = SERIES_STYLE[i % len(SERIES_STYLE)][0]
            w = 0 if value is None else max(1.0, plot_w * min(value, top) / top)
            fill = f'fill="url(#{uid}-hatch)"' if i == 1 else ""
            by = y + i * bar_h
            parts.append(
                f'<rect x="{label_w}" y="{by}" width="{w:.1f}" height="{bar_h - 3}" class="bar {css}" {fill}/>'
            )
            parts.append(
                f'<text x="{label_w + w + 5:.1f}" y="{by + bar_h - 5}" class="value">{_fmt(value, unit)}</text>'
            )
        y += group_h
    parts.append(f'<line x1="{label_w}" y1="30" x2="{label_w}" y2="{height - 8}" class="axis"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _marker(kind: str, x: float, y: float, css: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" class="mark {css}"/>'
    if kind == "diamond":
        return f'<path d="M{x:.1f} {y - 5:.1f}l5 5l-5 5l-5-5z" class="mark {css}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" class="mark {css}"/>'


def line_chart(
    title: str,
    points: list[tuple[str, list]],
    series: list[str],
    *,
    unit: str = "",
    max_value: float | None = None,
) -> str:
    """Lines over an ordered x axis (months, days); each series has its own dash and marker."""
    if not points:
        return ""
    width, height, left, right, top_pad, bottom = 560, 280, 52, 24, 40, 40
    values = [v for _, vs in points for v in vs if v is not None]
    top = max_value or (max(values) if values else 1) or 1
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    step = plot_w / max(1, len(points) - 1)
    summary = "; ".join(
        f"{label}: " + ", ".join(f"{s} {_fmt(v, unit)}" for s, v in zip(series, vs)) for label, vs in points
    )
    uid, parts = _open(title, summary, width, height)
    parts += _legend(uid, series, left, 18, lines=True)
    for frac in (0, 0.5, 1):
        y = top_pad + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" class="grid"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" class="label" text-anchor="end">'
            f"{_fmt(top * frac if unit == '%' or not float(top * frac).is_integer() else int(top * frac), unit)}"
            f"</text>"
        )
    every = max(1, len(points) // 6)
    for i, (label, _) in enumerate(points):
        if i % every == 0 or i == len(points) - 1:
            x = left + i * step if len(points) > 1 else left + plot_w / 2
            parts.append(
                f'<text x="{x:.1f}" y="{height - 18}" class="label" text-anchor="middle">{escape(label)}</text>'
            )
    for s in range(len(series)):
        css, dash, marker = SERIES_STYLE[s % len(SERIES_STYLE)]
        coords = []
        for i, (_, vs) in enumerate(points):
            v = vs[s]
            if v is None:
                continue
            x = left + i * step if len(points) > 1 else left + plot_w / 2
            coords.append((x, top_pad + plot_h * (1 - min(v, top) / top)))
        if not coords:
            continue
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in coords)}" '
            f'class="line {css}"{dash_attr}/>'
        )
        if len(coords) <= 40:  # beyond that, markers would only blot the line
            parts += [_marker(marker, x, y, css) for x, y in coords]
    parts.append("</svg>")
    return mark_safe("".join(parts))


# A timeline shows at most this many days one by one; a longer span shows only the days with data.
DAILY_SPAN = 400


def cumulative(
    rows: list[dict], keys: list[str], date_key: str, *, start=None, end=None
) -> list[tuple[str, list]]:
    """Turn per-day counts into running totals for a timeline from start to end.

    Every day is a point when the span is short; otherwise only the days with data (and the ends)
    are, so the work is bounded by the data and not by the calendar: a stored 0001-01-01 or
    9999-12-31 costs one point, not three million.
    """
    from datetime import timedelta

    days = {row[date_key]: row for row in rows if row[date_key]}
    if not days and not (start and end):
        return []
    first = min([d for d in (start, *days) if d])
    last = max([d for d in (end, *days) if d])
    if (last - first).days <= DAILY_SPAN:
        axis = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        label = "%d %b"
    else:
        axis = sorted({first, last, *days, *(d for d in (start, end) if d)})
        label = "%d %b %Y"
    totals, out = [0] * len(keys), []
    for day in axis:
        row = days.get(day)
        if row:
            totals = [t + (row[k] or 0) for t, k in zip(totals, keys)]
        out.append((_day_label(day, label), list(totals)))
    return out


def _day_label(day, fmt: str) -> str:
    # strftime pads years below 1000 differently across C libraries; write the year out.
    return day.strftime(fmt.replace("%Y", "")).strip() + (f" {day.year}" if "%Y" in fmt else "")
