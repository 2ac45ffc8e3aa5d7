"""Content packs: load, validate and serve the facts, questions, songs and quotes."""

from bot.content.loader import ContentError, bundled_packs_dir, check_packs, load_content
from bot.content.models import ContentLibrary, Fact, Question, Quote, Song
from bot.content.validation import Problem

__all__ = [
    "ContentError",
    "ContentLibrary",
    "Fact",
    "Problem",
    "Question",
    "Quote",
    "Song",
    "bundled_packs_dir",
    "check_packs",
    "load_content",
]
