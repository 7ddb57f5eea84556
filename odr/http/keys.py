"""Typed application keys: what the app holds, set up once in the app factory."""

from __future__ import annotations

from aiohttp import web
from argon2 import PasswordHasher

from odr.domain.actors import PartyActor, Staff
from odr.services.audit import AuditKey
from odr.services.intake import IntakeCache
from odr.services.ratelimit import FailureLimiter
from odr.settings import Settings
from odr.store.db import Database

SETTINGS = web.AppKey("settings", Settings)
DB = web.AppKey("db", Database)
AUDIT_KEY = web.AppKey("audit_key", AuditKey)
CODE_LIMITER = web.AppKey("code_limiter", FailureLimiter)
VERIFY_LIMITER = web.AppKey("verify_limiter", FailureLimiter)
HASHER = web.AppKey("hasher", PasswordHasher)
OPENAPI = web.AppKey("openapi", bytes)  # the document, serialised once
INTAKE_CACHE = web.AppKey("intake_cache", IntakeCache)

# Per-request values set by the middlewares.
LANG = web.RequestKey("lang", str)
ACTOR: web.RequestKey[Staff | PartyActor] = web.RequestKey("actor")
CSRF = web.RequestKey("csrf", str)
