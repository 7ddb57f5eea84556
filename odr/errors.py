"""The one error root of the platform.

Every refusal the platform makes is an :class:`OdrError` with a machine-readable ``code``
(also the key of its message in the translation catalogue), the HTTP status it maps to, the
offending ``field`` when there is one, and ``params`` for the message. ``odr.http.errors``
turns them into JSON in one place; the CLI prints them.
"""

from __future__ import annotations

import errno
from typing import Any


class OdrError(Exception):
    status = 400
    code = "bad_request"

    def __init__(
        self,
        code: str | None = None,
        *,
        field: str | None = None,
        status: int | None = None,
        **params: Any,
    ) -> None:
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.field = field
        self.params = params
        super().__init__(self.code)


class InvalidInput(OdrError):
    status = 422
    code = "invalid_input"


class NotFound(OdrError):
    status = 404
    code = "not_found"


class NotAuthenticated(OdrError):
    status = 401
    code = "not_authenticated"


class Forbidden(OdrError):
    status = 403
    code = "forbidden"


class Conflict(OdrError):
    status = 409
    code = "conflict"


class IllegalTransition(Conflict):
    code = "illegal_transition"


class TooManyAttempts(OdrError):
    status = 429
    code = "too_many_attempts"

    def __init__(self, retry_after: int, **params: Any) -> None:
        super().__init__(retry_after=retry_after, **params)
        self.retry_after = retry_after


class TooLarge(OdrError):
    status = 413
    code = "too_large"


class StorageUnavailable(OdrError):
    status = 503
    code = "storage_unavailable"


def storage_error(exc: OSError) -> StorageUnavailable:
    """What a failed write of a file tells the user: 507 for a full disk, 503 for a read-only
    (or not writable) data folder, 503 for anything else the storage refused."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageUnavailable("disk_full", status=507)
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StorageUnavailable("storage_read_only")
    return StorageUnavailable()
