"""Find the content packs on disk, validate them all, and build the ContentLibrary."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import bot
from bot.content.hosts import BUILT_IN, HOSTS_FILE, HostRules, hosts_file, parse_host_rules
from bot.content.models import ContentLibrary, Fact, Item, Question, Quote, Song
from bot.content.validation import (
    FILE_ITEM,
    KINDS,
    Problem,
    duplicate_id_problems,
    read_toml,
    validate_file,
)

# Where each kind lives inside a packs folder (bundled or a server owner's CONTENT_DIR).
PACK_FOLDERS = {"fact": "facts", "question": "questions"}
PACK_FILES = {"song": "songs.toml", "quote": "quotes.toml"}


class ContentError(Exception):
    """The packs have problems; `problems` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def bundled_packs_dir() -> Path:
    """The installed wheel carries packs in bot/_packs; a source checkout has them in data/."""
    package_dir = Path(bot.__file__).resolve().parent
    installed = package_dir / "_packs"
    if installed.is_dir():
        return installed
    return package_dir.parent / "data"


def load_content(extra_dir: Path | None = None, *, packs_dir: Path | None = None) -> ContentLibrary:
    """Bundled packs (or `packs_dir`) plus `extra_dir`; ContentError lists every problem."""
    items, problems = _collect(extra_dir, packs_dir)
    if problems:
        raise ContentError(problems)
    # validate_file builds the items of the kind it is given.
    return ContentLibrary(
        facts=tuple(cast(list[Fact], items["fact"])),
        questions=tuple(cast(list[Question], items["question"])),
        songs=tuple(cast(list[Song], items["song"])),
        quotes=tuple(cast(list[Quote], items["quote"])),
    )


def check_packs(extra_dir: Path | None = None, *, packs_dir: Path | None = None) -> list[Problem]:
    return _collect(extra_dir, packs_dir)[1]


def pack_files(root: Path, kind: str) -> list[Path]:
    """The files of one kind under a packs folder, sorted so loading order is deterministic."""
    if kind in PACK_FOLDERS:
        return sorted((root / PACK_FOLDERS[kind]).glob("*.toml"))
    path = root / PACK_FILES[kind]
    return [path] if path.is_file() else []


def _collect(
    extra_dir: Path | None, packs_dir: Path | None
) -> tuple[dict[str, list[Item]], list[Problem]]:
    roots = [(packs_dir or bundled_packs_dir(), True)]
    if extra_dir is not None:
        roots.append((Path(extra_dir), False))

    problems: list[Problem] = []
    # The refused hosts of every folder apply to all packs: an owner may add hosts, not drop any.
    hosts = BUILT_IN
    for root, _ in roots:
        root_hosts, host_problems = load_host_rules(root)
        hosts = hosts.merged(root_hosts)
        problems.extend(host_problems)

    located: dict[str, list[tuple[str, Item]]] = {kind: [] for kind in KINDS}
    for root, required in roots:
        problems.extend(_layout_problems(root, required))
        for kind in KINDS:
            for path in pack_files(root, kind):
                items, file_problems = validate_file(path, kind, hosts)
                problems.extend(file_problems)
                located[kind].extend((str(path), item) for item in items)

    for kind in KINDS:
        problems.extend(duplicate_id_problems(located[kind]))
    return {kind: [item for _, item in located[kind]] for kind in KINDS}, problems


def load_host_rules(root: Path) -> tuple[HostRules, list[Problem]]:
    """The refused source hosts listed in `root`/source-hosts.toml (none if it is absent)."""
    path = hosts_file(root)
    if not path.is_file():
        return BUILT_IN, []
    data, problems = read_toml(path)
    if data is None:
        return BUILT_IN, problems
    rules, messages = parse_host_rules(data)
    return rules, [Problem(str(path), FILE_ITEM, message) for message in messages]


def _layout_problems(root: Path, required: bool) -> list[Problem]:
    """Missing bundled packs, a missing extra folder, or stray TOML files that would be ignored."""
    if not root.is_dir():
        return [Problem(str(root), FILE_ITEM, "content folder does not exist")]
    problems = []
    if required:
        for kind in KINDS:
            if not pack_files(root, kind):
                expected = PACK_FILES.get(kind) or f"{PACK_FOLDERS[kind]}/*.toml"
                problems.append(Problem(str(root), FILE_ITEM, f"no {kind} pack ({expected})"))
    for stray in sorted(root.glob("*.toml")):
        if stray.name not in (*PACK_FILES.values(), HOSTS_FILE):
            message = (
                "unexpected file; facts and questions go in facts/ and questions/, "
                f"songs and quotes in songs.toml and quotes.toml, refused hosts in {HOSTS_FILE}"
            )
            problems.append(Problem(str(stray), FILE_ITEM, message))
    return problems
