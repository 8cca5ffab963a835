"""Items: the extractor's output record, and how spans become items (status, category, ids).

Status and category are read from the words around a name: first the clause it stands in
(between commas), then the whole sentence.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from . import lexicon as lx
from .segment import Timing


@dataclass(frozen=True)
class Item:
    """One place-bound statement of a report; ``quote == text[start:end]`` of the text as read."""

    id: str
    doc: str
    name: str
    kind: str
    category: str
    year: int | None
    period: str
    status: str
    location: str
    quote: str
    start: int
    end: int
    boundary: dict[str, Any] | None = field(default=None, hash=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict with exactly :data:`FIELDS`, in order."""
        return asdict(self)


#: The output keys, in order: the fields of :class:`Item`.
FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Item))


def item_id(doc: str, start: int, end: int, name: str) -> str:
    """Stable id: the same document, sentence and name always give the same id."""
    return hashlib.sha1(f"{doc}\x1f{start}\x1f{end}\x1f{name}".encode()).hexdigest()[:12]


_CLAUSE_SPLIT = re.compile(r"[，；：,]")


def clause_bounds(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The comma-delimited clause of ``sentence`` holding ``[start, end)``."""
    left = max((m.end() for m in _CLAUSE_SPLIT.finditer(sentence, 0, start)), default=0)
    right = _CLAUSE_SPLIT.search(sentence, end)
    return left, right.start() if right else len(sentence)


_STATUS = dict(lx.STATUS_WORDS)
_STATUS_RE = re.compile("|".join(sorted(map(re.escape, _STATUS), key=len, reverse=True)))


def _status_words(text: str) -> list[tuple[int, int, str, str]]:
    """Every status word in ``text`` as ``(start, end, word, status)``, longest first."""
    return [(m.start(), m.end(), m.group(), _STATUS[m.group()]) for m in _STATUS_RE.finditer(text)]


def _describes_project(clause: str, word: tuple[int, int, str, str]) -> bool:
    """ "新建" in "…新建工程" or "…新建、…" names the kind of project, it is not the verb."""
    if word[3] != "planned":
        return False
    following = clause[word[1] : word[1] + 2]
    return following.startswith(("工程", "项目", "、", "等", "研究", "设计"))


def status_of(sentence: str, start: int, end: int, period: str) -> str:
    """planned | started | completed | ongoing | mentioned, from the words of the name's clause.

    The predicate after the name wins ("…等项目实现开工", "…投入使用"); a word glued to the
    name that only describes the project ("…新建工程") does not count. Without one, the
    nearest verb before the name ("推进…", "完成…"). A clause with neither: mentioned.
    """
    c0, c1 = clause_bounds(sentence, start, end)
    clause = sentence[c0:c1]
    words = [w for w in _status_words(clause) if not _describes_project(clause, w)]
    rel_start, rel_end = start - c0, end - c0
    after = [w for w in words if w[0] >= rel_end]
    before = [w for w in words if w[1] <= rel_start]
    if after:
        word, status = after[-1][2], after[-1][3]
    elif before:
        word, status = before[-1][2], before[-1][3]
    else:
        return "mentioned"
    if word in lx.PLAN_ONLY_STATUS and period != "plan":
        return lx.PLAN_ONLY_STATUS[word]
    return status


def category_of(
    name: str, default: str, sentence: str, start: int, end: int, listed: bool = False
) -> str:
    """The span's own category, else a keyword of the name, else of its clause.

    A list member (``listed``) only reads the clause after itself ("…等项目实现竣工"), so
    that its neighbours' words do not type it.
    """
    for word, cat in lx.CATEGORY_WORDS:
        if word in name and cat in ("drainage", "parking", "education", "health", "elderly_care"):
            return cat
    if default:
        return default
    for word, cat in lx.CATEGORY_WORDS:
        if word in name:
            return cat
    c0, c1 = clause_bounds(sentence, start, end)
    clause = sentence[end:c1] if listed else sentence[c0:c1]
    for word, cat in lx.CATEGORY_WORDS:
        if word in clause:
            return cat
    return "other"


_ADDRESS_IN_NAME = re.compile(
    r"[\u3400-\u9fff]{1,10}?(?:路|大道|街)\d+[A-Za-z]?(?:、\d+)*(?:号|弄)"
)


def location_of(name: str, kind: str) -> str:
    """The shortest text that places the item: an address when the name holds one."""
    m = _ADDRESS_IN_NAME.search(name)
    if m:
        return m.group(0)
    if "“" in name and not name.startswith("“"):
        return name[: name.index("“")]  # 南京西路“千亿商圈” is placed by its road
    return name


def make_item(
    doc: str,
    name: str,
    kind: str,
    category: str,
    timing: Timing,
    status: str,
    quote: str,
    start: int,
    end: int,
) -> Item:
    """Assemble an :class:`Item` with its stable id and location."""
    return Item(
        id=item_id(doc, start, end, name),
        doc=doc,
        name=name,
        kind=kind,
        category=category,
        year=timing.year,
        period=timing.period,
        status=status,
        location=location_of(name, kind),
        quote=quote,
        start=start,
        end=end,
    )
