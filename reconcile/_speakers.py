"""Running text into sentences, and who each sentence says is speaking.

The rules are plain patterns over English news and situation-report prose, in the order a
reader applies them:

- a sentence ends at ``.``, ``!`` or ``?`` before a capital letter or a quotation mark, unless
  the word before the point is an abbreviation ("U.S.", "Gen.", "Oct."), and always at a line
  break;
- a speaker is named by a speech verb ("U.S. officials estimate ...", "..., the ministry
  said", "said Wolfgang Gressmann", "CNN reports that ...") or by "according to X"; a pronoun
  ("he said") stands for the last speaker named before it;
- a sentence that names no speaker but opens as reported speech goes on ("He added",
  "Another", "Of those") carries over the speaker of the sentence before it;
- the place is the nearest "in X" (a capitalised name) in the sentence.

Examples:
    >>> text = "U.S. officials say 5,000 fighters remain. Another 300 fled, they added."
    >>> [sentence.text for sentence in sentences(text)]
    ['U.S. officials say 5,000 fighters remain.', 'Another 300 fled, they added.']
    >>> [(said.speaker, said.how) for said in speakers(sentences(text)[0].text)]
    [('U.S. officials', 'verb')]

"""

from __future__ import annotations

import re
from typing import NamedTuple

#: How the speaker of a figure was found, as the ``attribution`` column says it.
VERB, ACCORDING_TO, CARRIED_OVER, NONE = "verb", "according to", "carried over", "none"


def _words(text: str) -> frozenset[str]:
    """A set of words written as one string, space-separated."""
    return frozenset(text.split())


_ABBREVIATIONS = _words(
    "mr mrs ms dr gen lt col maj capt sgt st sen rep gov pres prof rev jr sr no nos vs approx est "
    "jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun inc ltd co corp "
    "dept univ fig al e.g i.e etc"
)
_SENTENCE_END = re.compile(r"[.!?]+[\"”’')\]]*[ \t]+(?=[\"“‘(\[]?[A-Z0-9])|\n+")
_WORD_BEFORE = re.compile(r"([A-Za-z](?:[A-Za-z.]*[A-Za-z])?)\.\Z")

# Verbs of saying and counting. Forms that are mostly nouns ("state", "count", "record") are
# left out; "estimate" and "report" stay, and a name that reads as an adjective before them
# ("the current estimate") is not a speaker.
_VERBS = _words(
    "say says said saying tell tells told estimate estimates estimated claim claims claimed "
    "report reports reported stated announce announces announced add adds added adding warn warns "
    "warned warning noted confirm confirms confirmed counted recorded believe believes believed "
    "put puts documented registered indicated showed allege alleges alleged acknowledge "
    "acknowledges acknowledged insist insists insisted tweeted wrote writes predict predicts "
    "predicted project projects projected forecast forecasts expect expects expected detailed "
    "highlighted verified explained counts tallied tallies indicates indicate states notes shows "
    "records raised revised lowered updated gave cited revealed reveals"
)
# Forms that are mostly nouns, or verbs of other things, that give a figure only when "that"
# or the figure follows ("the resolution states that", "OCHA notes 363,000"), or, for the
# verbs of changing a figure, its name ("raised the number of ... to", "gave a figure of").
_NEEDS_THAT = _words("states notes shows records")
_NEEDS_OBJECT = _words("raised revised lowered updated gave put puts cited")
_THAT_OR_FIGURE = re.compile(r"\s+(?:that\b|[0-9]|about\b|around\b|some\b|more\b|over\b|nearly\b|almost\b)")
_OBJECT = re.compile(
    r"\s+(?:the|a|an|its|their)\s+(?:[\w-]+\s+){0,3}?(?:number|toll|figure|estimate|count|tally)\b"
)
# Forms that are also nouns: a name of adjectives before them makes them one ("the current
# estimate is"), unless "that" follows ("IOM's latest report estimates that").
_NOUNISH = _words("estimate estimates report reports claim claims count counts forecast forecasts")
_VERB = re.compile(r"(?<![\w-])(" + "|".join(sorted(_VERBS, key=len, reverse=True)) + r")(?![\w-])")
# "claimed 1,500 lives" is a toll, not a claim.
_NOT_SAYING = re.compile(
    r"\s+(?:the\s+)?(?:(?:[0-9][0-9,.]*|[a-z-]+)\s+)?(?:more\s+)?(?:lives|life|responsibility|victory|control)\b"
    r"|\s+to\s+(?:be|have)\b"
)
# "Citing" and "quoting" name the speaker's own source, not the speaker.
_ACCORDING = re.compile(r"(?<![\w-])according to\s+", re.IGNORECASE)
# "identified by the authorities as ...": a passive verb of counting names its agent.
_BY_AGENT = re.compile(
    r"(?<![\w-])(?:identified|reported|recorded|registered|confirmed|verified|counted|documented|estimated)"
    r"\s+by\s+(?=the\s|[A-Z])"
)
# A headline that ends with its source: "Over 100 feared dead in attack on camps: UN".
_WITH_NAME = re.compile(r"\bwith\s+((?:[\w.’'-]+\s+){0,3}?[\w.’'-]+)\s+\Z")
_HEADLINE_SOURCE = re.compile(r":\s*((?:the\s+)?[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3})\s*\Z")
# A participle that ends a speaker's name: "A UN report issued this week warns".
_PARTICIPLE = re.compile(r"\s(?:issued|released|published|dated|seen|obtained|speaking|talking)\b")
# Words that end a speaker's name when reading left from the verb: the name starts after them.
_BEFORE_NAME = _words(
    "that which who whom while but as because where when after before since though although if so "
    "than and or figure number estimate estimates this these those it is are was "
    "were has have had will would could also to by"
)
_AUXILIARIES = _words("has have had also did does do will would could may might now already further")
_PASSIVE = _words("is are was were be been being")
_DETERMINERS = _words("the a an its their his her our")
_POSSESSIVES = _words("its their his her our")
_PRONOUNS = _words("he she they it we i")
# Words that make the verb after them a noun: "the current estimate", "a new report".
_NOUN_ADJECTIVES = _words(
    "current latest new official initial previous first last final recent same total overall "
    "earlier updated preliminary monthly weekly daily annual bi-monthly situation flash"
)
# Titles: "the health minister, Othman Abduljaleel, said" names both.
_TITLES = _words(
    "minister spokesman spokeswoman spokesperson director head chief official secretary-general "
    "secretary commander president governor mayor coordinator representative envoy chairman "
    "manager officer adviser advisor leader coordinator"
)
_JOINERS = _words("of for and the on in de al du la")
_NAME_STOP = re.compile(r"[,‚;:()\"“”—–]|\s[-–]\s")
_NAME_WORDS = 12
_ASIDE = re.compile(r"\([^()]*\)")
_FOOTNOTE = re.compile(r"(?<=[A-Za-z])[0-9]{1,2}\b")
_LEADS = re.compile(
    r"\A[\"“‘(]*(?:(?:he|she|it|they)\s+(?:also\s+)?(?:added|said|says|noted|stated|warned|estimated)"
    r"|another|others?|of\s+(?:these|those|them|whom|which)|among\s+(?:them|those|these)"
    r"|in\s+addition|also|this|these|those|the\s+(?:agency|ministry|office|organi[sz]ation|group|report"
    r"|statement|official|officials|spokesman|spokeswoman|spokesperson|figure|toll))\b",
    re.IGNORECASE,
)
_UNNAMED = re.compile(
    r"\A(?:(?:the\s+)?(?:latest|new|official|preliminary|recent)\s+)?"
    r"(?:figures|data|estimates|numbers|(?:a|the)\s+report|reports|(?:a|the)\s+statement|a\s+tally|a\s+count)"
    r"\s+(?:(?:released|published|issued|compiled)\s+)?(?:from|by|of)\s+",
    re.IGNORECASE,
)
_WHEN_WORDS = re.compile(
    r"\s+(?:(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|"
    r"tonight|this\s+week|last\s+week)|released|published|issued|seen|obtained)\b.*\Z",
    re.IGNORECASE,
)
_PLACE = re.compile(
    r"(?<![\w-])(?:[Ii]n|[Ii]nside|[Aa]cross|[Nn]ear|[Oo]utside|[Aa]round)\s+((?:al-|el-)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)"
)
_POSSESSIVE = re.compile(r"[’']s?\Z")
_NOT_PLACES = _words(
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday The A An"
)


class Sentence(NamedTuple):
    """A sentence of the text: where it starts and ends, and its words."""

    start: int
    end: int
    text: str
    paragraph: int  # sentences of one paragraph share it: a blank line, or a line break, parts them


class Said(NamedTuple):
    """A speaker a sentence names: at which character of the sentence, who, and how."""

    at: int
    speaker: str
    how: str


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text``, each with its character offsets.

    Examples:
        >>> [s.text for s in sentences("The U.S. Defense Secretary spoke. Gen. Smith agreed.")]
        ['The U.S. Defense Secretary spoke.', 'Gen. Smith agreed.']

    """
    found: list[Sentence] = []
    start = 0
    paragraph = 0
    for boundary in _SENTENCE_END.finditer(text):
        before = _WORD_BEFORE.search(text, max(start, boundary.start() - 30), boundary.start() + 1)
        if boundary.group()[:1] == "." and before and _abbreviation(before.group(1)):
            continue
        _add(found, text, start, boundary.end(), paragraph)
        paragraph += "\n" in boundary.group()
        start = boundary.end()
    _add(found, text, start, len(text), paragraph)
    return found


def _abbreviation(word: str) -> bool:
    """Whether a word before a point is an abbreviation: "U.S", "Gen", a single letter."""
    return "." in word or len(word) == 1 or word.lower() in _ABBREVIATIONS


def _add(found: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    """Add ``text[start:end]`` without its surrounding spaces, unless it is blank."""
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        offset = start + len(piece) - len(piece.lstrip())
        found.append(Sentence(offset, offset + len(stripped), stripped, paragraph))


def speakers(sentence: str) -> list[Said]:
    """The speakers ``sentence`` names, in order, each at the character its verb stands.

    Examples:
        >>> speakers("About 300 died, the health ministry said on Monday.")
        [Said(at=36, speaker='the health ministry', how='verb')]
        >>> speakers("According to the United Nations, 3,000 fled.")
        [Said(at=0, speaker='the United Nations', how='according to')]
        >>> speakers("300 fled, said Jan Egeland of the Norwegian Refugee Council.")
        [Said(at=10, speaker='Jan Egeland of the Norwegian Refugee Council', how='verb')]

    """
    # Asides in brackets ("(UNHCR)") and footnote digits ("Authority3") are blanked out,
    # keeping every character where it was.
    plain = _ASIDE.sub(lambda aside: " " * len(aside.group()), sentence)
    plain = _FOOTNOTE.sub(lambda digits: " " * len(digits.group()), plain)
    found: list[Said] = []
    named: list[tuple[int, int]] = []
    for according in _ACCORDING.finditer(plain):
        name = _name_after(plain, according.end())
        if name:
            found.append(Said(according.start(), name, ACCORDING_TO))
            named.append((according.start(), according.end() + len(name) + 30))
    for agent in _BY_AGENT.finditer(plain):
        name = _name_after(plain, agent.end())
        if name:
            found.append(Said(agent.start(), name, VERB))
    headline = _HEADLINE_SOURCE.search(plain)
    if headline is not None:
        found.append(Said(headline.start(), headline.group(1), VERB))
    for verb in _VERB.finditer(plain):
        if any(start <= verb.start() < end for start, end in named) or _NOT_SAYING.match(plain, verb.end()):
            continue
        if verb.group().endswith("ing"):
            # "..., saying that": the speaker is the clause's, named before; but "with
            # security sources telling AFP that ..." names one.
            with_name = _WITH_NAME.search(plain, 0, verb.start())
            if with_name is not None:
                found.append(Said(verb.start(), with_name.group(1), VERB))
            continue
        if verb.group() in _NEEDS_THAT and not _THAT_OR_FIGURE.match(plain, verb.end()):
            continue
        if verb.group() in _NEEDS_OBJECT and not _OBJECT.match(plain, verb.end()):
            continue
        nounish = verb.group() in _NOUNISH and not re.match(r"\s+that\b", plain[verb.end() :])
        name = _name_before(plain, verb.start(), nounish=nounish)
        if name is None and plain[: verb.start()].rstrip().endswith((",", "”", '"')):
            name = _name_after(plain, verb.end())
        if name:
            found.append(Said(verb.start(), name, VERB))
    return sorted(found)


def _name_before(sentence: str, at: int, *, nounish: bool = False) -> str | None:
    """The name of the speaker before a speech verb: "U.S. officials" in "U.S. officials estimate"."""
    stops = [stop.start() for stop in _NAME_STOP.finditer(sentence, 0, at)]
    head = sentence[stops[-1] + 1 if stops else 0 : at]
    words = _PARTICIPLE.split(head, maxsplit=1)[0].split() if _PARTICIPLE.search(head) else head.split()
    while words and (words[-1].lower() in _AUXILIARIES or (words[-1].islower() and words[-1].endswith("ly"))):
        words.pop()
    if not words:
        # "The coalition, which sent no one, acknowledges": the name before the aside.
        appositive = len(stops) >= 2 and sentence[stops[-1]] == "," == sentence[stops[-2]]
        return _name_before(sentence, stops[-2]) if appositive else None
    if words[-1].lower() in _PASSIVE:
        return None
    if words[-1].lower() in _PRONOUNS:
        return words[-1]  # "They said they believed": the pronoun is the speaker
    name: list[str] = []
    for at_word in range(len(words) - 1, -1, -1):
        word = words[at_word]
        lower = word.lower()
        if lower in _BEFORE_NAME or len(name) == _NAME_WORDS or _is_number(word):
            break
        name.insert(0, word)
        # A determiner starts the name, unless "of" joins it to more: "backers of the group".
        if lower in _DETERMINERS and (at_word == 0 or words[at_word - 1].lower() not in ("of", "for")):
            break
    lowered = [word.lower() for word in name]
    if (
        not name
        or lowered[0] in _POSSESSIVES
        or (nounish and any(word in _NOUN_ADJECTIVES for word in lowered))
    ):
        return None
    if len(name) == 1 and lowered[0] in _DETERMINERS:
        return None
    if stops and len(name) <= 3 and sentence[stops[-1]] == ",":
        # "the health minister, Othman Abduljaleel said": the title and the name.
        title = sentence[stops[-2] + 1 if len(stops) >= 2 else 0 : stops[-1]].split()
        if title and title[-1].lower() in _TITLES and len(title) <= 6:
            return " ".join(title) + ", " + " ".join(name)
    return " ".join(name)


def _name_after(sentence: str, at: int) -> str | None:
    """The name after "according to" or an inverted verb, up to the next punctuation."""
    tail = _NAME_STOP.split(sentence[at:])[0].strip()
    tail = _UNNAMED.sub("", tail.rstrip(".!? "))
    tail = _WHEN_WORDS.sub("", tail)
    words = tail.split()
    # A name in capitals ends where lower-case words that do not join names begin:
    # "according to estimates by the Authority the death toll ..." names the Authority.
    for at in range(1, len(words)):
        if words[at][:1].islower() and words[at] not in _JOINERS and words[at - 1][:1].isupper():
            words = words[:at]
            break
    while words and words[-1] in _JOINERS:
        words.pop()
    if not words or len(words) > _NAME_WORDS or any(_is_number(word) for word in words):
        return None
    return " ".join(words)


def _is_number(word: str) -> bool:
    return any(character.isdigit() for character in word)


def is_pronoun(name: str) -> bool:
    """Whether a speaker's name is a pronoun that stands for someone named before.

    Examples:
        >>> is_pronoun("They"), is_pronoun("UNHCR")
        (True, False)

    """
    return name.lower() in _PRONOUNS


def carries_over(sentence: str) -> bool:
    """Whether a sentence opens as reported speech going on from the sentence before.

    Examples:
        >>> carries_over("Another 2,000 are missing."), carries_over("Rain fell on 3 May.")
        (True, False)

    """
    return _LEADS.match(sentence) is not None


def place_near(sentence: str, at: int) -> str | None:
    """The place the sentence names nearest to character ``at`` ("Mosul" in "... in Mosul").

    Examples:
        >>> place_near("About 5,000 militants are in Mosul, officials say.", 6)
        'Mosul'

    """
    best: tuple[int, str] | None = None
    for found in _PLACE.finditer(sentence):
        words = found.group(1).split()
        while words and words[0] in _NOT_PLACES:
            words.pop(0)
        if not words:
            continue
        distance = abs(found.start() - at)
        if best is None or distance < best[0]:
            best = (distance, _POSSESSIVE.sub("", " ".join(words)))
    return None if best is None else best[1]
