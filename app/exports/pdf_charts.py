"""The chairman's two charts, drawn by reportlab: companies and workers by level, and filing by area."""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from app.exports.decree import TEXT_WIDTH
from app.exports.labels import L
from app.exports.pdf_base import BOLD, REGULAR
from app.exports.report import ChairmanReport
from app.formatting import number


def level_chart(report: ChairmanReport) -> Drawing:
    labels = {lv.id: lv for lv in report.levels}
    counts = [c for _, c, _ in report.level_counts]
    drawing = Drawing(TEXT_WIDTH, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 14 * mm, 12 * mm, 150 * mm, 42 * mm
    chart.data = [counts]
    chart.categoryAxis.categoryNames = [labels[i].label for i, _, _ in report.level_counts]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max([*counts, 1]) * 1.15
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = REGULAR
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    for n, (level_id, _, _) in enumerate(report.level_counts):
        chart.bars[(0, n)].fillColor = colors.HexColor(labels[level_id].color)
    drawing.add(chart)
    drawing.add(String(14 * mm, 57 * mm, L("chairman.chart_levels", report.lang), fontName=BOLD, fontSize=9))
    return drawing


def filing_chart(report: ChairmanReport) -> Drawing:
    areas = [a for a in report.areas if a.expected]
    height = max(30, 5 * len(areas)) * mm
    drawing = Drawing(TEXT_WIDTH, height + 16 * mm)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 48 * mm, 6 * mm, 110 * mm, height  # "100" fits inside
    chart.data = [[a.submitted / a.expected * 100 for a in reversed(areas)]]
    chart.categoryAxis.categoryNames = [a.name for a in reversed(areas)]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.bars[0].fillColor = colors.HexColor("#2B8CBE")
    chart.barLabelFormat = lambda value: number(value, report.lang)  # rounded once, half up
    chart.barLabels.fontName = REGULAR
    chart.barLabels.fontSize = 8
    chart.barLabels.nudge = 8
    drawing.add(chart)
    drawing.add(
        String(0, height + 10 * mm, L("chairman.chart_filing", report.lang), fontName=BOLD, fontSize=9)
    )
    return drawing
