"""Settings from the environment and command-line flags."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from odr.errors import InvalidInput
from odr.settings import Settings


def test_defaults_from_an_empty_environment() -> None:
    s = Settings.load({})
    assert s == Settings()
    assert s.data_dir == Path("data")
    assert s.port == 8080
    assert s.host == "127.0.0.1"
    assert s.secure_cookies is True
    assert s.trust_forwarded_for is False
    assert s.allowed_origins == ()
    assert s.default_language == "zh-CN"


def test_db_url_defaults_to_sqlite_in_the_data_dir() -> None:
    assert Settings.load({}).db_url == "sqlite:///data/odr.sqlite3"
    s = Settings.load({"ODR_DATA_DIR": "/srv/odr"})
    assert s.sqlite_path == Path("/srv/odr/odr.sqlite3")
    assert s.db_url == "sqlite:////srv/odr/odr.sqlite3"
    assert s.evidence_dir == Path("/srv/odr/evidence")
    assert s.audit_key_path == Path("/srv/odr/keys/audit-ed25519.pem")


def test_database_url_wins_over_sqlite() -> None:
    url = "postgresql+psycopg://odr@db/odr"
    assert Settings.load({"ODR_DATABASE_URL": url}).db_url == url


def test_values_are_parsed_by_type() -> None:
    s = Settings.load(
        {
            "ODR_PORT": "9000",
            "ODR_HOST": "192.0.2.10",
            "ODR_DATA_DIR": "/var/lib/odr",
            "ODR_SECURE_COOKIES": "false",
            "ODR_TRUST_FORWARDED_FOR": "yes",
            "ODR_ALLOWED_ORIGINS": "https://a.example, ,https://b.example,",
            "ODR_MAX_UPLOAD_BYTES": " 1048576 ",
            "ODR_DEFAULT_LANGUAGE": "en",
        }
    )
    assert s.port == 9000
    assert s.host == "192.0.2.10"
    assert s.data_dir == Path("/var/lib/odr")
    assert isinstance(s.data_dir, Path)
    assert s.secure_cookies is False
    assert s.trust_forwarded_for is True
    assert s.allowed_origins == ("https://a.example", "https://b.example")
    assert s.max_upload_bytes == 1_048_576
    assert s.default_language == "en"


INT_FIELDS = [f.name for f in dataclasses.fields(Settings) if f.type in ("int", int)]


def test_there_are_int_fields() -> None:
    assert {"port", "staff_idle_minutes", "argon2_memory_kib", "db_threads"} <= set(INT_FIELDS)


@pytest.mark.parametrize("name", INT_FIELDS)
def test_every_int_field_is_read_as_int(name: str) -> None:
    s = Settings.load({f"ODR_{name.upper()}": "17"})
    assert getattr(s, name) == 17
    assert type(getattr(s, name)) is int


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("TRUE", True),
        ("Yes", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("OFF", False),
    ],
)
def test_bools(raw: str, expected: bool) -> None:
    assert Settings.load({"ODR_SECURE_COOKIES": raw}).secure_cookies is expected


@pytest.mark.parametrize(
    ("variable", "raw"),
    [
        ("ODR_PORT", "eighty"),
        ("ODR_PORT", "80.5"),
        ("ODR_PORT", ""),
        ("ODR_DB_THREADS", "four"),
        ("ODR_SECURE_COOKIES", "maybe"),
        ("ODR_SECURE_COOKIES", ""),
        ("ODR_TRUST_FORWARDED_FOR", "2"),
    ],
)
def test_invalid_values_name_the_variable(variable: str, raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Settings.load({variable: raw})
    assert caught.value.field == variable
    assert caught.value.code == "invalid_setting"
    assert caught.value.status == 422


def test_invalid_port_raises_invalid_input_for_odr_port() -> None:
    with pytest.raises(InvalidInput) as caught:
        Settings.load({"ODR_PORT": "http"})
    assert caught.value.field == "ODR_PORT"


def test_overrides_beat_the_environment() -> None:
    env = {"ODR_PORT": "9000", "ODR_HOST": "192.0.2.10", "ODR_DATA_DIR": "/env"}
    s = Settings.load(env, port=9100, data_dir=Path("/flag"))
    assert s.port == 9100
    assert s.data_dir == Path("/flag")
    assert s.host == "192.0.2.10"  # not overridden


def test_none_overrides_are_ignored() -> None:
    s = Settings.load({"ODR_PORT": "9000"}, port=None, host=None)
    assert s.port == 9000
    assert s.host == "127.0.0.1"


def test_unrelated_variables_are_ignored() -> None:
    s = Settings.load({"PORT": "1", "odr_port": "2", "ODR_NOT_A_SETTING": "3", "ODRPORT": "4"})
    assert s == Settings()


def test_load_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ODR_PORT", "9123")
    monkeypatch.setenv("ODR_BASE_URL", "https://court.example/")
    s = Settings.load()
    assert s.port == 9123
    assert s.public_url == "https://court.example"


def test_public_url_and_origins() -> None:
    s = Settings.load({"ODR_HOST": "10.0.0.5", "ODR_PORT": "8443"})
    assert s.public_url == "http://10.0.0.5:8443"
    s = Settings.load(
        {"ODR_BASE_URL": "https://fating.example/", "ODR_ALLOWED_ORIGINS": "https://m.example"}
    )
    assert s.public_url == "https://fating.example"
    assert s.origins == frozenset({"https://fating.example", "https://m.example"})


def test_settings_are_frozen() -> None:
    s = Settings.load({})
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.port = 1  # type: ignore[misc]
