"""The "what help is right for us?" questionnaire: data in directory_data/questionnaires/*.yaml,
checked against a JSON Schema and by checks.py when loaded, routed by one small rule evaluator.

- rules.py    the rule language (==, in, any-in, answered, and, or, not) and its evaluator
- model.py    the questionnaire's blocks, answers and options; load_questionnaire()
- checks.py   load-time checks: ids, goto targets, values, default rules, reachability
- router.py   first block, next block (with skips), checking what someone entered
- paths.py    every path through a questionnaire
- safety.py   the safety proof over every path
- journey.py  one person's answers and route, kept in their session and checked when read back
- pages.py, routes.py  the pages (these two use Flask)

No Flask imports in the domain modules: routes call these functions and translate the text they show.
"""

from __future__ import annotations

from portal.config import PROJECT_DIR
from portal.questionnaire.model import Questionnaire, load_questionnaire

QUESTIONNAIRE_DIR = PROJECT_DIR / "directory_data" / "questionnaires"
WHAT_HELP = QUESTIONNAIRE_DIR / "what_help.yaml"

__all__ = ["QUESTIONNAIRE_DIR", "WHAT_HELP", "Questionnaire", "load_questionnaire"]
