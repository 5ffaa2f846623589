"""What officials watch, scoped in SQL: the overview's figures, trends, the lists of companies (and the
review queue), how fresh the data is, and the filters they all take."""

__all__ = ["filters", "freshness", "lists", "monitoring", "trends"]
