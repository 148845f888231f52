"""Matching Latvian words roughly: case and diacritics ignored, endings cut.

Good enough to see that a track on `Senioru līdzdalības jautājumi` concerns an institution
whose policy areas include `seniori`, or `civilajā aizsardzībā` one with `civilā aizsardzība`.
"""
import functools
import re
import unicodedata

# Inflection endings, longest first; a stem keeps at least four letters.
_ENDINGS = sorted(
    """ajiem ajām ajos ajās ajai ajam ajā ajo iem ām ēm īm ūm ās ēs īs os us is as es ai ei
    am um u a e i o s š ā ē ī ū""".split(),
    key=len,
    reverse=True,
)
_STOP = {"un", "ar", "par", "uz", "no", "vai", "ka", "kā", "to", "tas", "pie", "bez", "līdz", "jautājumi",
         "jautājumu", "iespējas", "iespēju", "attīstība", "attīstības", "the", "and", "of", "in"}
_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case, without diacritics: 'Līdzdalība' -> 'lidzdaliba'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=8192)  # a pure function of the word: the directory's words come back on every page
def stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return fold(word[: -len(ending)])
    return fold(word)


def stems(text: str) -> set[str]:
    """The stems of the meaningful words of a text."""
    return {stem(word) for word in _WORD.findall(text.casefold()) if word not in _STOP and len(word) > 2}


def related(a: str, b: str) -> bool:
    """Two stems of one word family: equal, or one begins the other ('region', 'regional')."""
    shorter, longer = sorted((a, b), key=len)
    return shorter == longer or (len(shorter) >= 5 and longer.startswith(shorter))


def shared(first: set[str], second: set[str]) -> set[str]:
    """The stems of `first` that have a relative in `second`."""
    return {a for a in first if any(related(a, b) for b in second)}
