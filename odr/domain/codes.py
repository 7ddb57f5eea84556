"""Dispute codes: personal codes of parties and public intake codes of micro-courts.

Crockford base32 (no I, L, O, U). A personal code carries 60 random bits in 12 characters and
is shown as ``XXXX-XXXX-XXXX``. People type what they see: case, spaces and hyphens do not
matter, and the confusables O->0 and I/L->1 are read as Crockford reads them.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PERSONAL_LENGTH = 12  # 60 bits
INTAKE_LENGTH = 8  # 40 bits; intake codes are public, length only avoids typos colliding
_CONFUSABLES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_IGNORED = " -\t_.\u00a0\u3000\u3002\u2010\u2011\u2012\u2013\u2014"


def new_code(length: int = PERSONAL_LENGTH) -> str:
    """A fresh random code in its canonical (unformatted) form."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise(raw: str, length: int = PERSONAL_LENGTH) -> str | None:
    """The canonical form of what someone typed, or None when it cannot be a code."""
    if len(raw) > 4 * length:  # nobody types that much for a code
        return None
    # Full-width letters, digits and signs, as typed on a Chinese input method.
    halfwidth = "".join(chr(ord(ch) - 0xFEE0) if "\uff01" <= ch <= "\uff5e" else ch for ch in raw)
    cleaned = "".join(ch for ch in halfwidth if ch not in _IGNORED)
    if not cleaned.isascii():
        return None
    cleaned = cleaned.upper().translate(_CONFUSABLES)
    if len(cleaned) != length or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def display(code: str) -> str:
    """``ABCDEFGHJKMN`` -> ``ABCD-EFGH-JKMN``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def digest(code: str) -> str:
    """What the store keeps of a personal code: its SHA-256, never the code itself."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()
