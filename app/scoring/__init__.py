"""Pure scoring: no Streamlit, no database. Everything that rates answers goes through `score`;
what to fix first is `recommend(result)`."""

from app.scoring.recommend import Recommendations, recommend
from app.scoring.result import CriterionResult, ScoreResult
from app.scoring.scorer import score

__all__ = ["CriterionResult", "Recommendations", "ScoreResult", "recommend", "score"]
