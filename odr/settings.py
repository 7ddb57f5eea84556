"""The one settings object, built once at start-up from the environment and command-line flags."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from odr.errors import InvalidInput

ENV_PREFIX = "ODR_"
MEDIA_BACKENDS = ("embedded", "janus")


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    database_url: str = ""  # empty: SQLite in data_dir
    host: str = "127.0.0.1"
    port: int = 8080
    base_url: str = ""  # empty: http://host:port
    allowed_origins: tuple[str, ...] = ()  # besides base_url
    default_language: str = "zh-CN"
    # Sessions (OWASP ASVS 7.2, 7.3)
    staff_idle_minutes: int = 30
    staff_lifetime_hours: int = 12
    party_idle_minutes: int = 60
    party_lifetime_hours: int = 24
    secure_cookies: bool = True
    # Failed code attempts (see shared notes): per client address and for the whole server.
    code_failures_per_address: int = 10
    code_failures_window_seconds: int = 900
    code_failures_global_per_hour: int = 1000
    # Public verification costs ~0.1 s of CPU per PDF: checks per client address each minute,
    # and for the whole server each hour.
    verify_per_address_per_minute: int = 30
    verify_global_per_hour: int = 3600
    trust_forwarded_for: bool = False
    # Uploads
    max_upload_bytes: int = 20 * 1024 * 1024
    max_json_bytes: int = 256 * 1024
    # Password hashing (argon2id, memory-hard)
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    db_threads: int = 4
    # One line per request (costs about as much as a look-up itself); the reverse proxy in
    # front usually keeps this log, and the audit log keeps every event that matters.
    access_log: bool = False
    # The static front end (kiosk, console, hearing, party, verify pages): the checkout's web/
    # by default; an installed package (`pip install .`, the Docker image) names it.
    web_dir: Path = Path(__file__).resolve().parents[1] / "web"
    # Hearings: ICE servers handed to every peer (none by default; no public STUN exists).
    # Comma-separated URLs such as "stun:turn.example.org:3478,turn:turn.example.org:3478".
    ice_urls: tuple[str, ...] = ()
    turn_secret: str = ""  # coturn static-auth-secret (REST credentials); empty: no TURN
    turn_ttl_seconds: int = 3600
    video_width: int = 320
    video_height: int = 240
    video_fps: int = 15
    record_video: bool = False
    heartbeat_seconds: int = 5
    # Several `odr serve` processes: socket.io events and hearing ownership through this Redis
    # (e.g. redis://10.0.0.5:6379/0); empty: one process, no Redis (docs/scale-out.md).
    redis_url: str = ""
    # Media: "embedded" (the in-process aiortc hub) or "janus" (a Janus server at janus_url,
    # e.g. http://127.0.0.1:8088/janus, with its API secret and its plugins' admin_key).
    media_backend: str = "embedded"
    janus_url: str = ""
    janus_api_secret: str = ""
    janus_admin_key: str = ""
    # Invitations by mail (optional): empty host means no mail is sent.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_from: str = ""
    # Documents: the court CA's private key is encrypted with this passphrase.
    ca_passphrase: str = ""
    tsa_url: str = ""  # optional RFC 3161 timestamp server
    confirmation_days: int = 30  # People's Mediation Law art. 33

    def __post_init__(self) -> None:
        if self.media_backend not in MEDIA_BACKENDS:
            raise InvalidInput("invalid_setting", field=ENV_PREFIX + "MEDIA_BACKEND")
        if self.media_backend == "janus" and not self.janus_url:
            raise InvalidInput("invalid_setting", field=ENV_PREFIX + "JANUS_URL")

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "odr.sqlite3"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_path}"

    @property
    def public_url(self) -> str:
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def origins(self) -> frozenset[str]:
        return frozenset({self.public_url, *self.allowed_origins})

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    @property
    def audit_key_path(self) -> Path:
        return self.keys_dir / "audit-ed25519.pem"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def recordings_dir(self) -> Path:
        return self.data_dir / "recordings"

    @property
    def documents_dir(self) -> Path:
        return self.data_dir / "documents"

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Environment variables ``ODR_<FIELD>`` first, then flags (``overrides``) on top."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is not None:
                values[f.name] = _parse(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _parse(name: str, kind: Any, raw: str) -> Any:
    kind = str(kind)
    try:
        if kind == "int":
            return int(raw)
        if kind == "bool":
            if raw.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                raise ValueError(raw)
            return raw.lower() in ("1", "true", "yes", "on")
        if kind == "Path":
            return Path(raw)
        if kind.startswith("tuple"):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
    except ValueError:
        raise InvalidInput("invalid_setting", field=ENV_PREFIX + name.upper()) from None
    return raw
