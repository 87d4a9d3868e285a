"""One decision, validated: what an editor (or a file an editor wrote) may say, with caps on every field.

A decision's text comes from people and from pages a browser sent, so it is checked like scraped
input: known action, a bounded list of bounded URL strings, bounded editor name and note.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone

ACTIONS = ("split", "merge", "canonical")
DECISIONS_MAX_URLS = 500        # URLs in one decision (a merge of two big clusters stays well under)
DECISIONS_MAX_URL_CHARS = 2048
DECISIONS_MAX_EDITOR_CHARS = 100
DECISIONS_MAX_NOTE_CHARS = 2000
FIELDS = ("action", "urls", "editor", "note", "created_at", "origin")


class DecisionError(ValueError):
    """A decision that cannot be accepted, with what is wrong in plain words."""


@dataclass(frozen=True)
class Decision:
    action: str
    urls: tuple[str, ...]
    editor: str | None = None
    note: str | None = None
    created_at: str | None = None   # ISO 8601 UTC; set when stored if missing
    origin: str | None = None       # 'review' or 'import'
    id: int | None = None

    @property
    def digest(self) -> str:
        """Identity for idempotent imports: what was decided and by whom, not when or how it arrived."""
        key = json.dumps([self.action, list(self.urls), self.editor or "", self.note or ""], ensure_ascii=False)
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    def to_json(self) -> dict:
        return {"action": self.action, "urls": list(self.urls), "editor": self.editor, "note": self.note,
                "created_at": self.created_at, "origin": self.origin}


def parse_decision(record, origin: str) -> Decision:
    """A ``Decision`` from a decoded JSON object (a line of a file, or the review app's request body).

    Raises:
        DecisionError: not an object, unknown action, wrong number of URLs, a field too long.
    """
    if not isinstance(record, dict):
        raise DecisionError("a decision is a JSON object such as "
                            '{"action": "split", "urls": ["https://a/1", "https://b/2"]}')
    action = record.get("action")
    if action not in ACTIONS:
        raise DecisionError(f"action must be one of {', '.join(ACTIONS)}, got {_shown(action)}")
    urls = record.get("urls")
    if not isinstance(urls, list) or not all(isinstance(url, str) and url.strip() for url in urls):
        raise DecisionError("urls must be a list of URL strings")
    urls = [url.strip() for url in urls]
    if any(_has_surrogate(url) for url in urls):
        raise DecisionError("a URL holds a lone surrogate; it is not valid text")
    if len(set(urls)) != len(urls):
        raise DecisionError("urls lists a URL twice")
    wanted = "exactly 1 URL" if action == "canonical" else f"2 to {DECISIONS_MAX_URLS} URLs"
    if (action == "canonical" and len(urls) != 1) or (action != "canonical" and not 2 <= len(urls) <= DECISIONS_MAX_URLS):
        raise DecisionError(f"a {action} decision takes {wanted}, got {len(urls)}")
    if any(len(url) > DECISIONS_MAX_URL_CHARS for url in urls):
        raise DecisionError(f"a URL is longer than {DECISIONS_MAX_URL_CHARS} characters")
    editor = _text(record, "editor", DECISIONS_MAX_EDITOR_CHARS)
    note = _text(record, "note", DECISIONS_MAX_NOTE_CHARS)
    return Decision(action, tuple(urls), editor, note, _timestamp(record.get("created_at")), origin)


def _text(record: dict, name: str, cap: int) -> str | None:
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise DecisionError(f"{name} must be a string")
    value = value.strip()
    if len(value) > cap:
        raise DecisionError(f"{name} is longer than {cap} characters")
    if _has_surrogate(value):
        raise DecisionError(f"{name} holds a lone surrogate; it is not valid text")
    return value or None


def _has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def _timestamp(value) -> str | None:
    """A given time kept (normalised to UTC seconds) so an import keeps when a decision was made."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise DecisionError(f"created_at must be an ISO 8601 time, got {_shown(value)}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _shown(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."
