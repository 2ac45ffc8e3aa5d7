"""Each validation rule fires on a small bad pack, naming the file and the item."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.content import ContentError, Problem, check_packs, load_content
from bot.content.commands import check_command, stats_command
from bot.content.hosts import HostRules, RefusedHost
from bot.content.validation import validate_file

VALID_DIR = Path(__file__).parent / "fixtures" / "valid"
SOURCE = "https://en.wikipedia.org/wiki/Rocky_(franchise)"

FACT = {
    "id": "fact-one",
    "films": ["Rocky"],
    "topics": ["production"],
    "source": SOURCE,
    "text": "Rocky was shot in about 28 days on a small budget.",
}
QUESTION = {
    "id": "question-one",
    "films": ["Rocky"],
    "topics": ["characters"],
    "source": SOURCE,
    "prompt": "Who trains Rocky for his first fight with Apollo Creed?",
    "options": ["Mickey Goldmill", "Apollo Creed", "Paulie Pennino", "Tony Gazzo"],
    "answer": "Mickey Goldmill",
    "difficulty": "easy",
    "explanation": "Mickey runs the gym where Rocky boxes.",
}
SONG = {
    "id": "song-one",
    "films": ["Rocky"],
    "topics": ["music"],
    "source": SOURCE,
    "title": "Gonna Fly Now",
    "performer": "Bill Conti",
    "writers": ["Bill Conti"],
    "scene": "Rocky runs up the museum steps.",
    "year": 1976,
    "montage": True,
}
QUOTE = {
    "id": "quote-one",
    "films": ["Rocky II"],
    "topics": ["characters"],
    "source": SOURCE,
    "text": "Yo, Adrian, I did it!",
    "character": "Rocky Balboa",
    "moods": ["iconic", "motivational"],
}
VALID = {"fact": FACT, "question": QUESTION, "song": SONG, "quote": QUOTE}
FILE_FOR = {
    "fact": "facts/test.toml",
    "question": "questions/test.toml",
    "song": "songs.toml",
    "quote": "quotes.toml",
}


# --- helpers ---------------------------------------------------------------------------------


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    return "[" + ", ".join(toml_value(v) for v in value) + "]"


def toml_pack(kind: str, *items: dict[str, Any]) -> str:
    tables = [
        f"[[{kind}]]\n" + "".join(f"{key} = {toml_value(v)}\n" for key, v in item.items())
        for item in items
    ]
    return "\n".join(tables)


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def check(tmp_path: Path, kind: str, *items: dict[str, Any]) -> tuple[str, list[Problem]]:
    path = write(tmp_path, FILE_FOR[kind], toml_pack(kind, *items))
    _, problems = validate_file(path, kind)
    return str(path), problems


def changed(kind: str, /, **fields: Any) -> dict[str, Any]:
    return {**VALID[kind], **fields}


def without(kind: str, name: str) -> dict[str, Any]:
    return {key: value for key, value in VALID[kind].items() if key != name}


def assert_reported(problems: list[Problem], path: str, item: str, fragment: str) -> None:
    hits = [p for p in problems if p.path == path and p.item == item and fragment in p.message]
    listing = "\n".join(map(str, problems)) or "(no problems)"
    assert hits, f"expected {path}: {item}: ...{fragment}... among:\n{listing}"


# --- valid packs -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(VALID))
def test_valid_item_of_each_kind_passes(tmp_path: Path, kind: str) -> None:
    _, problems = check(tmp_path, kind, VALID[kind])
    assert problems == []


def test_valid_fixture_folder_loads(tmp_path: Path) -> None:
    assert check_packs(packs_dir=VALID_DIR) == []
    lib = load_content(packs_dir=VALID_DIR)
    # Files are read in sorted order: a-rocky.toml before b-franchise.toml.
    assert [f.id for f in lib.facts] == ["fixture-rocky-shoot", "fixture-two-films"]
    assert len(lib.questions) == len(lib.songs) == len(lib.quotes) == 2
    question = lib.questions_by_id["fixture-montage-song"]
    assert question.kind == "music" and question.answer_index == 1
    assert lib.questions_by_id["fixture-trainer"].kind == "general"  # the default
    assert lib.facts_for({"Creed II"}) == (lib.facts_by_id["fixture-two-films"],)
    assert lib.quotes_for("Rocky", "mickey goldmill")[0].id == "fixture-quote-mickey"
    assert lib.characters() == ("Mickey Goldmill", "Rocky Balboa")
    song = lib.songs_by_id["fixture-later-song"]
    assert song.youtube_url.endswith("search_query=Fixture+Song+%26+Co+Fixture+Performer")
    assert song.spotify_url.endswith("/search/Fixture%20Song%20%26%20Co%20Fixture%20Performer")


# --- one test per rule -----------------------------------------------------------------------


def test_unknown_field(tmp_path: Path) -> None:
    path, problems = check(tmp_path, "song", changed("song", tittle="Gonna Fly Now"))
    assert_reported(problems, path, "song-one", "unknown field 'tittle'")


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("fact", "text"),
        ("question", "answer"),
        ("song", "montage"),
        ("quote", "source"),
        ("quote", "moods"),
    ],
)
def test_missing_required_field(tmp_path: Path, kind: str, name: str) -> None:
    path, problems = check(tmp_path, kind, without(kind, name))
    assert_reported(problems, path, f"{kind}-one", f"missing required field {name!r}")


@pytest.mark.parametrize(
    ("kind", "fields", "fragment"),
    [
        ("fact", {"films": "Rocky"}, "'films' must be a list of strings, not a string"),
        ("fact", {"text": 42}, "'text' must be a string, not an integer"),
        ("song", {"year": "1976"}, "'year' must be an integer, not a string"),
        ("song", {"year": True}, "'year' must be an integer, not a boolean"),
        ("song", {"montage": "yes"}, "'montage' must be a boolean"),
        ("question", {"options": ["a", "b", "c", 4]}, "'options' must be a list of strings"),
    ],
)
def test_wrong_type(tmp_path: Path, kind: str, fields: dict, fragment: str) -> None:
    path, problems = check(tmp_path, kind, changed(kind, **fields))
    assert_reported(problems, path, f"{kind}-one", fragment)


@pytest.mark.parametrize("bad_id", ["Fact-One", "ab", "-fact", "fact_one", "x" * 65])
def test_id_pattern(tmp_path: Path, bad_id: str) -> None:
    path, problems = check(tmp_path, "fact", changed("fact", id=bad_id))
    assert_reported(problems, path, bad_id, "is not a lowercase slug")


def test_item_without_id_is_named_by_position(tmp_path: Path) -> None:
    path, problems = check(tmp_path, "fact", FACT, without("fact", "id"))
    assert_reported(problems, path, "#2", "missing required field 'id'")


def test_duplicate_ids_across_files_of_a_kind(tmp_path: Path) -> None:
    first = write(tmp_path, "facts/a.toml", toml_pack("fact", FACT))
    second = write(tmp_path, "facts/b.toml", toml_pack("fact", changed("fact", text="x" * 30)))
    # The same id in another kind is fine: ids are unique per kind.
    write(tmp_path, "questions/q.toml", toml_pack("question", changed("question", id="fact-one")))
    write(tmp_path, "songs.toml", toml_pack("song", SONG))
    write(tmp_path, "quotes.toml", toml_pack("quote", QUOTE))
    problems = check_packs(packs_dir=tmp_path)
    assert len(problems) == 1, problems
    assert_reported(problems, str(second), "fact-one", f"duplicate id, first used in {first}")


def test_duplicate_ids_between_bundled_and_extra_packs(tmp_path: Path) -> None:
    bundled_id = "fixture-quote-mickey"
    extra = write(tmp_path, "quotes.toml", toml_pack("quote", changed("quote", id=bundled_id)))
    problems = check_packs(tmp_path, packs_dir=VALID_DIR)
    assert_reported(problems, str(extra), bundled_id, "duplicate id")


def test_answer_must_be_an_option(tmp_path: Path) -> None:
    path, problems = check(tmp_path, "question", changed("question", answer="Mickey"))
    assert_reported(problems, path, "question-one", "answer 'Mickey' is not one of the options")


@pytest.mark.parametrize("count", [3, 5])
def test_exactly_four_options(tmp_path: Path, count: int) -> None:
    options = ["Mickey Goldmill", "Apollo Creed", "Paulie Pennino", "Tony Gazzo", "Duke"]
    path, problems = check(tmp_path, "question", changed("question", options=options[:count]))
    assert_reported(problems, path, "question-one", f"needs exactly 4 options, has {count}")


def test_duplicate_options_ignore_case_and_spaces(tmp_path: Path) -> None:
    options = ["Mickey Goldmill", "Apollo Creed", " apollo creed ", "Tony Gazzo"]
    path, problems = check(tmp_path, "question", changed("question", options=options))
    assert_reported(problems, path, "question-one", "duplicate option 'apollo creed'")


@pytest.mark.parametrize(
    ("kind", "fields", "fragment"),
    [
        ("song", {"title": "t" * 101}, "over the Discord select option limit of 100"),
        ("question", {"options": ["o" * 81, "b", "c", "d"]}, "button label limit of 80"),
        ("quote", {"character": "c" * 101}, "select option limit of 100"),
        ("song", {"performer": "p" * 1025}, "embed field value limit of 1024"),
        ("fact", {"text": "f" * 4097}, "embed description limit of 4096"),
    ],
)
def test_discord_limits(tmp_path: Path, kind: str, fields: dict, fragment: str) -> None:
    path, problems = check(tmp_path, kind, changed(kind, **fields))
    assert_reported(problems, path, f"{kind}-one", fragment)


@pytest.mark.parametrize(
    ("kind", "fields", "fragment"),
    [
        ("fact", {"text": "f" * 601}, "'text' is 601 characters, over the schema limit of 600"),
        ("fact", {"text": "Too short."}, "under the schema minimum of 20"),
        ("fact", {"text": "   "}, "'text' is empty"),
        ("question", {"prompt": "p" * 301}, "over the schema limit of 300"),
        ("question", {"explanation": "e" * 301}, "over the schema limit of 300"),
        ("quote", {"text": "q" * 301}, "over the schema limit of 300"),
        ("quote", {"scene": "s" * 301}, "'scene' is 301 characters, over the schema limit of 300"),
        ("song", {"scene": "s" * 301}, "'scene' is 301 characters, over the schema limit of 300"),
    ],
)
def test_schema_length_limits(tmp_path: Path, kind: str, fields: dict, fragment: str) -> None:
    path, problems = check(tmp_path, kind, changed(kind, **fields))
    assert_reported(problems, path, f"{kind}-one", fragment)


def test_limits_at_the_boundary_pass(tmp_path: Path) -> None:
    _, problems = check(tmp_path, "fact", changed("fact", text="f" * 600))
    assert problems == []


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("source", "ftp://example.com/page"),
        ("source", "https://"),
        ("source", "en.wikipedia.org/wiki/Rocky"),
        ("source", "https://en.wikipedia.org/wiki/Rocky IV"),
        ("official_url", "javascript:alert(1)"),
    ],
)
def test_bad_urls(tmp_path: Path, name: str, url: str) -> None:
    path, problems = check(tmp_path, "song", changed("song", **{name: url}))
    assert_reported(problems, path, "song-one", f"{name!r} {url!r} is not")


def test_unknown_film_and_topic(tmp_path: Path) -> None:
    item = changed("fact", films=["Rocky 4"], topics=["boxoffice"])
    path, problems = check(tmp_path, "fact", item)
    assert_reported(problems, path, "fact-one", "unknown film 'Rocky 4' (did you mean 'Rocky IV'?)")
    assert_reported(problems, path, "fact-one", "unknown topic 'boxoffice' (did you mean 'box")


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("fact", "films"),
        ("fact", "topics"),
        ("song", "writers"),
        ("question", "options"),
        ("quote", "moods"),
    ],
)
def test_empty_lists(tmp_path: Path, kind: str, name: str) -> None:
    path, problems = check(tmp_path, kind, changed(kind, **{name: []}))
    assert_reported(problems, path, f"{kind}-one", f"{name!r} is empty")


@pytest.mark.parametrize("films", [["Rocky", "Rocky II"], ["Franchise"]])
def test_quote_needs_exactly_one_film(tmp_path: Path, films: list[str]) -> None:
    path, problems = check(tmp_path, "quote", changed("quote", films=films))
    assert_reported(problems, path, "quote-one", "a quote needs exactly one film")


def test_unknown_mood(tmp_path: Path) -> None:
    path, problems = check(tmp_path, "quote", changed("quote", moods=["motivation", "sad"]))
    assert_reported(problems, path, "quote-one",
                    "unknown mood 'motivation' (did you mean 'motivational'?)")
    assert_reported(problems, path, "quote-one", "unknown mood 'sad'")


def test_mood_listed_twice(tmp_path: Path) -> None:
    path, problems = check(tmp_path, "quote", changed("quote", moods=["funny", "funny"]))
    assert_reported(problems, path, "quote-one", "'moods' lists 'funny' more than once")


def test_moods_must_be_a_list_of_strings(tmp_path: Path) -> None:
    path, problems = check(tmp_path, "quote", changed("quote", moods="funny"))
    assert_reported(problems, path, "quote-one", "'moods' must be a list of strings, not a string")


def test_difficulty(tmp_path: Path) -> None:
    path, problems = check(tmp_path, "question", changed("question", difficulty="Easy"))
    assert_reported(problems, path, "question-one", "difficulty 'Easy' is not one of")


def test_question_kind(tmp_path: Path) -> None:
    path, problems = check(tmp_path, "question", changed("question", kind="lyrics"))
    assert_reported(problems, path, "question-one", "kind 'lyrics' is not one of")


def test_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    text = toml_pack("fact", FACT) + 'text = "unterminated\n'
    path = write(tmp_path, "facts/broken.toml", text)
    _, problems = validate_file(path, "fact")
    assert len(problems) == 1
    assert problems[0].path == str(path)
    assert "TOML syntax error" in problems[0].message and "line 7" in problems[0].message


def test_wrong_top_level_table_for_the_folder(tmp_path: Path) -> None:
    path = write(tmp_path, "facts/mixed.toml", toml_pack("question", QUESTION))
    _, problems = validate_file(path, "fact")
    assert_reported(problems, str(path), "(file)", "unexpected top-level key 'question'")


def test_every_problem_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    items = [
        changed("question", id="q-one", answer="Nobody", difficulty="brutal"),
        changed("question", id="q-two", films=["Rocky VII"], source="not a url"),
        without("question", "prompt"),
    ]
    path, problems = check(tmp_path, "question", *items)
    assert_reported(problems, path, "q-one", "answer 'Nobody' is not one of the options")
    assert_reported(problems, path, "q-one", "difficulty 'brutal'")
    assert_reported(problems, path, "q-two", "unknown film 'Rocky VII'")
    assert_reported(problems, path, "q-two", "'source'")
    assert_reported(problems, path, "question-one", "missing required field 'prompt'")
    assert len(problems) == 5


# --- refused source hosts --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("https://ftp.stage.filmsite.org/rock2.html", "beginning 'ftp.'"),
        ("https://mail.filmsite.org/series-rocky6.html", "beginning 'mail.'"),
        ("https://mail.stage.filmsite.org/rocky.html", "beginning 'mail.'"),
        ("https://www.stage.example.org/page", "containing '.stage.'"),
    ],
)
def test_built_in_host_patterns_are_refused_without_a_list(
    tmp_path: Path, url: str, fragment: str
) -> None:
    path, problems = check(tmp_path, "fact", changed("fact", source=url))
    assert_reported(problems, path, "fact-one", f"'source' {url!r}: a host {fragment}")


def test_built_in_patterns_spare_ordinary_hosts(tmp_path: Path) -> None:
    for url in ("https://www.filmsite.org/rock2.html", "https://backstage.example.com/x",
                "https://www.mailonline.co.uk/a", "https://ftpsite.example.com/b"):
        _, problems = check(tmp_path, "fact", changed("fact", source=url))
        assert problems == [], url


HOSTS = HostRules((
    RefusedHost("liquisearch.com", "a copy of Wikipedia"),
    RefusedHost("www.princeton.edu/~achaney/", "a snapshot of Wikipedia"),
))


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("https://liquisearch.com/rocky_v/plot", True),
        ("https://www.liquisearch.com/spider_rico/plot", True),  # a subdomain
        ("http://www.princeton.edu/~achaney/tmve/wiki100k/docs/Rocky_IV.html", True),
        ("https://www.princeton.edu/news/2020/rocky", False),  # only under the listed path
        ("https://notliquisearch.com/page", False),  # not a subdomain
        ("https://en.wikipedia.org/wiki/Rocky_V", False),
    ],
)
def test_listed_hosts_and_paths(url: str, refused: bool) -> None:
    assert (HOSTS.refusal(url) is not None) is refused


def test_listed_host_is_reported_with_file_item_and_reason(tmp_path: Path) -> None:
    url = "https://www.liquisearch.com/rocky_iv/plot"
    path = write(tmp_path, "questions/test.toml", toml_pack("question", changed(
        "question", source=url)))
    _, problems = validate_file(path, "question", HOSTS)
    assert_reported(problems, str(path), "question-one",
                    f"'source' {url!r}: liquisearch.com is refused as a source (a copy of")


def test_official_url_on_a_refused_host(tmp_path: Path) -> None:
    url = "https://mail.example.com/song"
    path, problems = check(tmp_path, "song", changed("song", official_url=url))
    assert_reported(problems, path, "song-one", f"'official_url' {url!r}: a host beginning")


def write_hosts(root: Path, *entries: tuple[str, str]) -> Path:
    text = "\n".join(f'[[refused]]\nhost = "{host}"\nwhy = "{why}"\n' for host, why in entries)
    return write(root, "source-hosts.toml", text)


def test_the_packs_folder_lists_its_refused_hosts(tmp_path: Path) -> None:
    shutil.copytree(VALID_DIR, tmp_path / "packs")
    write_hosts(tmp_path / "packs", ("wikipedia.org", "testing a refused host"))
    problems = check_packs(packs_dir=tmp_path / "packs")
    refused = [p for p in problems if "wikipedia.org is refused as a source" in p.message]
    assert len(refused) == 8, problems  # every fixture item cites en.wikipedia.org


def test_an_owner_may_add_refused_hosts_for_their_own_packs(tmp_path: Path) -> None:
    write_hosts(tmp_path, ("example.org", "our own list"))
    pack = write(tmp_path, "facts/mine.toml", toml_pack("fact", changed(
        "fact", source="https://www.example.org/rocky")))
    problems = check_packs(tmp_path, packs_dir=VALID_DIR)
    assert_reported(problems, str(pack), "fact-one", "example.org is refused as a source")
    assert len(problems) == 1


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[[refused]]\nhost = "Example.org"\nwhy = "x"\n', "must be a bare lowercase host"),
        ('[[refused]]\nhost = "https://example.org"\nwhy = "x"\n', "no scheme"),
        ('[[refused]]\nhost = "example.org"\n', "'why' must say why"),
        ('[[refused]]\nhost = "example.org"\nwhy = "x"\nnote = "y"\n', "unknown field 'note'"),
        ('[[refused]]\nhost = "a.org"\nwhy = "x"\n[[refused]]\nhost = "a.org"\nwhy = "x"\n',
         "listed more than once"),
        ('hosts = ["a.org"]\n', "unexpected top-level key 'hosts'"),
        ('[[refused]\n', "TOML syntax error"),
    ],
)
def test_a_malformed_hosts_file_is_reported(tmp_path: Path, text: str, fragment: str) -> None:
    path = write(tmp_path, "source-hosts.toml", text)
    problems = check_packs(tmp_path, packs_dir=VALID_DIR)
    assert_reported(problems, str(path), "(file)", fragment)


def test_bundled_hosts_file_lists_the_hosts_named_in_issue_17() -> None:
    from bot.content import bundled_packs_dir
    from bot.content.loader import load_host_rules

    rules, problems = load_host_rules(bundled_packs_dir())
    assert problems == []
    for url in ("https://enwikipedia.net/wiki/Rocky_IV", "https://www.liquisearch.com/x",
                "https://encyclopedia.kids.net.au/page/ro/Rocky_III",
                "http://diamond-necklace.info/else/rocky-2.coming",
                "https://ftp.stage.filmsite.org/aa76.html", "https://mail.filmsite.org/x.html"):
        assert rules.refusal(url) is not None, url


# --- the library's quote draws ---------------------------------------------------------------


def test_quotes_for_filters_by_mood_film_and_used_ids() -> None:
    lib = load_content(packs_dir=VALID_DIR)
    assert [q.id for q in lib.quotes_for(mood="motivational")] == ["fixture-quote-rocky-two"]
    assert [q.id for q in lib.quotes_for(mood="funny")] == ["fixture-quote-mickey"]
    assert lib.quotes_for(mood="menacing") == []
    assert [q.id for q in lib.quotes_for({"Rocky", "Rocky II"})] == [
        "fixture-quote-rocky-two", "fixture-quote-mickey"]
    assert [q.id for q in lib.quotes_for(exclude={"fixture-quote-rocky-two"})] == [
        "fixture-quote-mickey"]
    assert lib.quotes_for("Rocky II", "rocky balboa", "iconic", exclude=set()) == [
        lib.quotes_by_id["fixture-quote-rocky-two"]]
    assert lib.quotes_by_id["fixture-quote-rocky-two"].motivational


# --- loader and commands ---------------------------------------------------------------------


def test_content_error_lists_every_problem_one_per_line(tmp_path: Path) -> None:
    path = write(tmp_path, "facts/extra.toml", toml_pack("fact", changed("fact", films=[])))
    write(tmp_path, "quotes.toml", toml_pack("quote", changed("quote", id="Bad")))
    with pytest.raises(ContentError) as caught:
        load_content(tmp_path, packs_dir=VALID_DIR)
    lines = str(caught.value).splitlines()
    assert len(lines) == len(caught.value.problems) == 2
    assert lines[0] == f"{path}: fact-one: 'films' is empty"


def test_extra_folder_adds_items_after_bundled_ones(tmp_path: Path) -> None:
    write(tmp_path, "facts/extra.toml", toml_pack("fact", FACT))
    lib = load_content(tmp_path, packs_dir=VALID_DIR)
    assert lib.facts[-1].id == "fact-one" and len(lib.facts) == 3


def test_layout_problems(tmp_path: Path) -> None:
    stray = write(tmp_path, "facts.toml", toml_pack("fact", FACT))
    problems = check_packs(tmp_path, packs_dir=tmp_path / "missing")
    assert_reported(problems, str(tmp_path / "missing"), "(file)", "does not exist")
    assert_reported(problems, str(stray), "(file)", "unexpected file")

    problems = check_packs(packs_dir=tmp_path)
    assert_reported(problems, str(tmp_path), "(file)", "no fact pack (facts/*.toml)")
    assert_reported(problems, str(tmp_path), "(file)", "no song pack (songs.toml)")


def test_check_command(tmp_path: Path) -> None:
    out = io.StringIO()
    assert check_command(None, out, packs_dir=VALID_DIR) == 0
    assert out.getvalue() == "content OK: 2 facts, 2 questions, 2 songs, 2 quotes\n"

    write(tmp_path, "songs.toml", toml_pack("song", changed("song", year="x", montage=1)))
    out = io.StringIO()
    assert check_command(tmp_path, out, packs_dir=VALID_DIR) == 1
    lines = out.getvalue().splitlines()
    assert lines[-1] == "2 problems found"
    assert all(line.startswith(f"{tmp_path / 'songs.toml'}: song-one: ") for line in lines[:-1])


def test_stats_command(tmp_path: Path) -> None:
    out = io.StringIO()
    assert stats_command(None, True, out, packs_dir=VALID_DIR) == 0
    stats = json.loads(out.getvalue())
    assert (stats["facts"], stats["questions"], stats["songs"], stats["quotes"]) == (2, 2, 2, 2)
    assert stats["facts_by_film"]["Creed"] == stats["facts_by_film"]["Creed II"] == 1
    assert stats["questions_by_film"]["Rocky"] == 2 and stats["questions_by_film"]["Franchise"] == 0
    assert stats["questions_by_difficulty"] == {"easy": 1, "medium": 1, "hard": 0}
    assert stats["questions_by_kind"] == {"general": 1, "quote": 0, "music": 1}
    assert stats["quotes_by_mood"] == {
        "motivational": 1, "funny": 1, "menacing": 0, "tender": 0, "iconic": 1}
    assert stats["motivational_quotes_by_film"]["Rocky II"] == 1
    assert stats["motivational_characters"] == 1
    assert stats["sources_by_host"] == [{"host": "en.wikipedia.org", "items": 8}]
    assert stats["source_hosts"] == 1
    assert stats["items_without_source"] == 0

    out = io.StringIO()
    assert stats_command(None, False, out, packs_dir=VALID_DIR) == 0
    table = out.getvalue()
    assert "Rocky Balboa" in table and "difficulty" in table
    assert "quote mood" in table and "question kind" in table
    assert "en.wikipedia.org" in table and "sources on 1 hosts" in table
