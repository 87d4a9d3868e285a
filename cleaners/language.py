"""Language and script of a text, right for Chinese.

langdetect alone calls Traditional Chinese Korean (153 of 155 pages here). So the script decides
first: Han text without Hangul is Chinese (Japanese when kana are common), Hangul text is Korean,
and langdetect (seeded, on a bounded sample) only answers for the rest. Simplified vs Traditional
is an OpenCC round trip on the Han sample: characters that t2s changes are Traditional evidence,
characters that s2t changes are Simplified evidence; neither dominating means ``mixed``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cleaners.settings import CLEANERS_LANG_SAMPLE_CHARS, CLEANERS_SCRIPT_MIXED_SHARE

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
LATIN_LETTERS_PER_WORD = 5
SCRIPT_HAN_CHARS = 800      # enough for hundreds of script-specific characters
_MIN_EVIDENCE = 3     # fewer script-specific characters than this: not enough to tell


@dataclass(frozen=True)
class LanguageGuess:
    lang: str | None          # ISO 639-1 ("zh", "en", ...) or None when there is no text to judge
    script: str | None        # zh-Hans | zh-Hant | mixed | None (not Chinese, or undecidable)
    evidence: dict


@lru_cache(maxsize=None)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def _sample(text: str, size: int) -> str:
    """Head, middle and tail of a long text, so one odd section does not decide."""
    if len(text) <= size:
        return text
    third = size // 3
    middle = len(text) // 2
    return text[:third] + text[middle - third // 2: middle + third // 2] + text[-third:]


def _changed(before: str, after: str) -> int:
    return sum(1 for a, b in zip(before, after) if a != b) + abs(len(before) - len(after))


def chinese_script(han: str, mixed_share: float = CLEANERS_SCRIPT_MIXED_SHARE) -> tuple[str | None, dict]:
    """zh-Hans, zh-Hant or mixed for a string of Han characters, with the round-trip counts.

    At most SCRIPT_HAN_CHARS characters are converted, taken evenly across the string.
    """
    han = han[:: -(-len(han) // SCRIPT_HAN_CHARS)] if len(han) > SCRIPT_HAN_CHARS else han
    traditional = _changed(han, _converter("t2s").convert(han))
    simplified = _changed(han, _converter("s2t").convert(han))
    evidence = {"han": len(han), "t2s_changed": traditional, "s2t_changed": simplified}
    total = traditional + simplified
    if total < _MIN_EVIDENCE:
        return None, evidence
    if min(traditional, simplified) / total > mixed_share:
        return "mixed", evidence
    return ("zh-Hant" if traditional > simplified else "zh-Hans"), evidence


def detect_language(text: str, sample_chars: int = CLEANERS_LANG_SAMPLE_CHARS,
                    mixed_share: float = CLEANERS_SCRIPT_MIXED_SHARE) -> LanguageGuess:
    """Language and script of ``text``, read on a bounded sample."""
    sample = _sample(text, sample_chars)
    han = "".join(_HAN.findall(sample))
    hangul, kana, latin = (len(p.findall(sample)) for p in (_HANGUL, _KANA, _LATIN))
    evidence = {"han": len(han), "hangul": hangul, "kana": kana, "latin": latin}
    # A Han character carries about a word; Latin letters are weighed as words (about 5 letters each).
    letters = len(han) + hangul + kana + latin / LATIN_LETTERS_PER_WORD
    if not letters:
        return LanguageGuess(None, None, evidence)
    if hangul > 0.2 * letters:
        return LanguageGuess("ko", None, evidence)
    if kana > 0.1 * (len(han) + kana):
        return LanguageGuess("ja", None, evidence)
    if len(han) >= 0.3 * letters:
        script, script_evidence = chinese_script(han, mixed_share)
        return LanguageGuess("zh", script, {**evidence, **script_evidence})
    return LanguageGuess(_langdetect(sample), None, evidence)


def _langdetect(sample: str) -> str | None:
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        code = detect(sample)
    except LangDetectException:
        return None
    return code.split("-")[0]
