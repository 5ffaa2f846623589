"""Pure scoring: no Streamlit, no database. Everything that rates answers goes through `score`."""

from app.scoring.result import CriterionResult, ScoreResult
from app.scoring.scorer import score

__all__ = ["CriterionResult", "ScoreResult", "score"]
