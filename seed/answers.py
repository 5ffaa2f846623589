"""How the demo's companies answer: each company a profile (size, care, diligence), each round's
answers drawn from it, care growing and outbreak pressure fading over the rounds."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from app.assessment.schema import ChoiceRule, RuleSet, SumRule


def choice_tables(ruleset: RuleSet) -> dict[str, list[str]]:
    """Options of each choice input, lowest-risk first."""
    tables: dict[str, list[str]] = {}
    for criterion in ruleset.criteria():
        rule = criterion.rule
        leaves = [p.rule for p in rule.parts] if isinstance(rule, SumRule) else [rule]
        for leaf in leaves:
            if isinstance(leaf, ChoiceRule):
                tables[leaf.input] = sorted(leaf.points, key=lambda o: leaf.points[o])
    return tables


@dataclass
class Profile:
    company_id: int
    workers: int
    area: float
    phones_share: float
    care: float
    diligence: float
    official_id: int | None
    improvement: float = 0.4
    persona: bool = False
    doubt: str = ""  # "", "frozen", "headcount" or "perfect": the demo's hard-to-believe filers
    last_answers: dict[str, Any] | None = None


def answers_for(
    rng: random.Random, p: Profile, week: int, weeks: int, choices: dict[str, list[str]]
) -> dict[str, Any]:
    """One round's answers: care grows with time (measures adopted), outbreak pressure fades."""
    progress = week / max(weeks - 1, 1)
    care = min(0.98, max(0.02, p.care + p.improvement * progress + rng.gauss(0, 0.1)))
    outbreak = max(0.05, 1 - 2.5 * progress)
    answers: dict[str, Any] = {}
    for input_id, options in choices.items():
        if input_id == "cs3":
            roll = rng.random()
            if roll < 0.02 * outbreak:
                answers["cs3"] = "f0"
            elif roll < 0.35 * outbreak:
                answers["cs3"] = rng.choice(["f2", "from_outbreak_area", "f1"])
            else:
                answers["cs3"] = "none"
        elif rng.random() < care:
            answers[input_id] = options[0]
        else:
            answers[input_id] = options[
                min(len(options) - 1, 1 + int(rng.random() ** 1.5 * (len(options) - 1)))
            ]
    workers = max(30, int(p.workers * rng.uniform(0.97, 1.02)))
    phones = int(workers * p.phones_share)
    bluezone_share = min(1.0, 0.35 + 0.6 * progress * (0.6 + care / 2) + rng.uniform(-0.1, 0.1))
    health_share = min(1.0, 0.45 + 0.55 * progress * (0.7 + care / 3) + rng.uniform(-0.08, 0.08))
    answers.update(
        {
            "workers": workers,
            "workshop_area_m2": round(p.area, 1),
            "workers_from_outbreak_areas": int(workers * outbreak * rng.uniform(0, 0.22)),
            "smartphone_owners": phones,
            "bluezone_installed": max(0, int(phones * bluezone_share)),
            "health_declared": max(0, int(workers * health_share)),
            "mask_rate_pct": 100 if rng.random() < care else rng.choice([95, 90, 85, 75, 60, 45]),
            "handwash_rate_pct": 100 if rng.random() < care * 0.8 else round(rng.uniform(40, 99), 1),
        }
    )
    return _doubtful(p, week, answers, choices)


COUNTS = (
    "workers",
    "workers_from_outbreak_areas",
    "smartphone_owners",
    "bluezone_installed",
    "health_declared",
)


def _doubtful(
    p: Profile, week: int, answers: dict[str, Any], choices: dict[str, list[str]]
) -> dict[str, Any]:
    """A few companies answer as the credibility flags expect of a careless or flattering filer,
    after the honest draw (the same random numbers are drawn, so the others' answers are as before):
    copied from the first round on, a headcount under half the register's, or every answer
    at its best option (the seed files those on the due day, after its reminder)."""
    if p.doubt == "frozen" and p.last_answers is not None:
        answers = dict(p.last_answers)
    elif p.doubt == "headcount":
        for name in COUNTS:
            answers[name] = int(answers[name] * 0.45)
        answers["workers"] = max(1, answers["workers"])
    elif p.doubt == "perfect":
        answers.update({input_id: options[0] for input_id, options in choices.items()})
        answers.update(cs3="none", workers_from_outbreak_areas=0, mask_rate_pct=100, handwash_rate_pct=100)
        answers.update(bluezone_installed=answers["smartphone_owners"], health_declared=answers["workers"])
    p.last_answers = answers if p.doubt == "frozen" else None
    return answers
