"""The Arabic catalogue is complete: every entry translated, none left fuzzy, and no
translation drops (or invents) a placeholder of its source string.

A missing translation shows French in the middle of the Arabic interface; a fuzzy one is
ignored by compilemessages (French again); a dropped or invented placeholder loses a value
or raises KeyError when the string is formatted. The catalogue is read with a small reader
of the .po format (polib is not a dependency): no database, no compiled .mo needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CATALOGUE = Path(__file__).resolve().parents[1] / "platform/config/locale/ar/LC_MESSAGES/django.po"

# %(name)s, %(n)d, %(mo).1f, %s, %d, {x}, and the escaped percent sign %%.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdif]|%[sd]|%%|\{\w*\}")

PLURAL_FORMS = (
    "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
    "n%100>=3 && n%100<=10 ? 3 : n%100>=11 && n%100<=99 ? 4 : 5;"
)
NPLURALS = 6
# Forms 0, 1 and 2 are used for exactly one count each (0, 1, 2): Arabic says "وحدة واحدة",
# "وحدتان" without the number, so these forms may leave out one placeholder (the count).
SINGLE_COUNT_FORMS = {0, 1, 2}

ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # key -1: msgstr without index

    def label(self) -> str:
        return f"line {self.line}: {self.msgid[:70]!r}"


def _unquote(text: str, where: int) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"line {where}: expected a quoted string, got {text!r}")
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


def read_po(path: Path) -> list[Entry]:
    """Entries of a .po file, obsolete ones (#~) left out, header included (msgid "")."""
    entries: list[Entry] = []
    current: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int] | None = None  # the field that continuation lines extend
    keyword = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            target = None
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            if current is None or target is None:
                raise ValueError(f"line {number}: continuation line outside an entry")
            name, index = target
            value = _unquote(line, number)
            if name == "msgstr":
                current.msgstr[index] += value
            else:
                setattr(current, name, (getattr(current, name) or "") + value)
            continue
        match = keyword.match(line)
        if match is None:
            raise ValueError(f"line {number}: unexpected {line!r}")
        name, index_text, quoted = match.groups()
        value = _unquote(quoted, number)
        if name == "msgctxt" or (name == "msgid" and (current is None or current.msgstr)):
            current = Entry(line=number, flags=flags)
            entries.append(current)
            flags = set()
        if current is None:
            raise ValueError(f"line {number}: {name} before any msgid")
        if name.startswith("msgstr"):
            index = int(index_text) if index_text is not None else -1
            current.msgstr[index] = value
            target = ("msgstr", index)
        else:
            setattr(current, name, value)
            target = (name, 0)
    return entries


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    entries = read_po(CATALOGUE)
    assert entries[0].msgid == "", "the catalogue starts with its header"
    return entries


@pytest.fixture(scope="module")
def messages(catalogue: list[Entry]) -> list[Entry]:
    found = catalogue[1:]
    assert len(found) > 1000, "the catalogue was regenerated from a subfolder and lost strings"
    return found


def test_reader_understands_the_po_format(tmp_path: Path) -> None:
    po = tmp_path / "t.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: ar\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid "Un %(n)s"\nmsgid_plural ""\n"Des %(n)s"\n'
        'msgstr[0] "x"\nmsgstr[1] ""\n"y \\"z\\""\n\n'
        'msgctxt "ctx"\nmsgid "A"\nmsgstr "ب"\n\n#~ msgid "old"\n#~ msgstr "قديم"\n',
        encoding="utf-8",
    )
    header, plural, simple = read_po(po)
    assert header.msgstr[-1] == "Language: ar\n"
    assert plural.flags == {"fuzzy", "python-format"}
    assert plural.msgid_plural == "Des %(n)s"
    assert plural.msgstr == {0: "x", 1: 'y "z"'}
    assert (simple.msgctxt, simple.msgid, simple.msgstr, simple.flags) == (
        "ctx",
        "A",
        {-1: "ب"},
        set(),
    )


def test_header_keeps_the_arabic_plural_formula(catalogue: list[Entry]) -> None:
    header = catalogue[0].msgstr[-1]
    assert f"Plural-Forms: {PLURAL_FORMS}\n" in header
    assert "Language: ar\n" in header


def test_no_fuzzy_entry(messages: list[Entry]) -> None:
    fuzzy = [entry.label() for entry in messages if "fuzzy" in entry.flags]
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries (check the guess, then drop the flag):\n" + (
        "\n".join(fuzzy[:20])
    )


def test_every_entry_is_translated(messages: list[Entry]) -> None:
    missing = []
    for entry in messages:
        expected = set(range(NPLURALS)) if entry.msgid_plural is not None else {-1}
        if set(entry.msgstr) != expected or not all(entry.msgstr.values()):
            missing.append(entry.label())
    assert not missing, f"{len(missing)} untranslated entries:\n" + "\n".join(missing[:20])


def test_translations_keep_the_placeholders(messages: list[Entry]) -> None:
    problems = []
    for entry in messages:
        source = placeholders(entry.msgid)
        if entry.msgid_plural is not None:
            source = sorted(set(source) | set(placeholders(entry.msgid_plural)))
        for index, text in sorted(entry.msgstr.items()):
            found = placeholders(text)
            invented = sorted(set(found) - set(source))
            dropped = sorted(set(source) - set(found))
            if entry.msgid_plural is None:
                dropped = sorted(set(source) - set(found) - {"%%"})
                if found.count("%%") != source.count("%%"):
                    dropped.append("%%")
            elif index in SINGLE_COUNT_FORMS and len(dropped) <= 1:
                dropped = []
            if invented or dropped:
                problems.append(
                    f"{entry.label()} msgstr[{index}]: dropped {dropped}, invented {invented}"
                )
    assert not problems, "\n".join(problems)
