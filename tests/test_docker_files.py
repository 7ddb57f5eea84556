"""docker/: what can be checked without a Docker engine. The compose file's services and
settings, the variables every file uses against docker/.env.example and odr/settings.py, and
the configurations of nginx, coturn and Janus loaded by the real programs (Debian packages
nginx-light, coturn, janus), each on free ports in a temporary folder."""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from procs import free_port

from odr.settings import ENV_PREFIX, Settings

ROOT = Path(__file__).resolve().parents[1]
DOCKER = ROOT / "docker"
COMPOSE = DOCKER / "compose.yaml"
ENV_EXAMPLE = DOCKER / ".env.example"
SERVERS = ("server1", "server2")
SETTINGS = {ENV_PREFIX + f.name.upper() for f in dataclasses.fields(Settings)}
INTERPOLATED = re.compile(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)")
SHELL_VAR = re.compile(r"\$\{?([A-Z_][A-Z0-9_]*)")


def compose() -> dict:
    loaded: dict = yaml.safe_load(COMPOSE.read_text())
    return loaded


def env_example() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in ENV_EXAMPLE.read_text().splitlines())
    return {p[0].strip(): p[1] for p in pairs if len(p) == 2 and not p[0].startswith("#")}


def dockerfile_env(path: Path) -> set[str]:
    """Names an ENV instruction of the Dockerfile sets."""
    text = path.read_text().replace("\\\n", " ")
    return {
        name
        for line in text.splitlines()
        if line.startswith("ENV ")
        for name in re.findall(r"([A-Z_][A-Z0-9_]*)=", line)
    }


def test_compose_has_every_service_and_two_server_replicas() -> None:
    services = compose()["services"]
    assert set(services) == {*SERVERS, "postgres", "redis", "janus", "coturn", "proxy"}
    assert services["postgres"]["image"].startswith("postgres:16")
    assert "healthcheck" in services["postgres"] and "healthcheck" in services["redis"]
    for name in SERVERS:
        server = services[name]
        assert server["build"]["dockerfile"] == "docker/Dockerfile"
        assert "data:/data" in server["volumes"]  # one data folder for both
        assert server["depends_on"]["postgres"]["condition"] == "service_healthy"
        env = server["environment"]
        assert env["ODR_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert env["ODR_REDIS_URL"].startswith("redis://")
        assert env["ODR_MEDIA_BACKEND"] == "${ODR_MEDIA_BACKEND:-janus}"
        assert server["depends_on"]["janus"]["condition"] == "service_healthy"
    assert services["server1"]["environment"] == services["server2"]["environment"]
    assert "data:/data" in services["janus"]["volumes"]  # its recordings, for the servers


def test_the_servers_reach_janus_with_its_own_secrets() -> None:
    services = compose()["services"]
    env = services["server1"]["environment"]
    janus = urllib.parse.urlsplit(env["ODR_JANUS_URL"])
    assert janus.hostname in services  # the janus service, on the compose network
    http = (DOCKER / "janus" / "janus.transport.http.jcfg").read_text()
    assert f"port = {janus.port}" in http and f'base_path = "{janus.path}"' in http
    assert env["ODR_JANUS_API_SECRET"].startswith("${JANUS_API_SECRET:?")
    assert env["ODR_JANUS_ADMIN_KEY"].startswith("${JANUS_ADMIN_KEY:?")
    assert set(services["janus"]["environment"]) == {"JANUS_API_SECRET", "JANUS_ADMIN_KEY"}
    assert services["janus"]["environment"]["JANUS_API_SECRET"].startswith("${JANUS_API_SECRET")
    assert services["coturn"]["network_mode"] == "host"
    assert {"80:80", "443:443"} <= set(services["proxy"]["ports"])
    assert set(compose()["volumes"]) >= {"data", "pgdata"}


def test_the_media_addresses_are_the_ones_coturn_may_relay_to() -> None:
    services = compose()["services"]
    media = {services[name]["networks"]["media"]["ipv4_address"] for name in (*SERVERS, "janus")}
    conf = (DOCKER / "coturn" / "turnserver.conf").read_text()
    assert set(re.findall(r"^allowed-peer-ip=(\S+)$", conf, re.M)) == media
    upstreams = re.findall(
        r"^\s*server (\S+):8080", (DOCKER / "nginx" / "nginx.conf").read_text(), re.M
    )
    assert upstreams == list(SERVERS)


def test_every_odr_variable_set_is_a_setting() -> None:
    named = set(env_example())
    for name in SERVERS:
        named |= set(compose()["services"][name]["environment"])
    named |= dockerfile_env(DOCKER / "Dockerfile")
    odr = {n for n in named if n.startswith(ENV_PREFIX)}
    assert odr, "no ODR_ variable found"
    assert odr <= SETTINGS, f"not settings (typos?): {sorted(odr - SETTINGS)}"


def test_every_variable_used_is_documented_in_env_example() -> None:
    documented = set(env_example())
    used = set(INTERPOLATED.findall(COMPOSE.read_text()))
    assert used, "compose interpolates nothing"
    assert used <= documented, f"missing from docker/.env.example: {sorted(used - documented)}"
    # What the scripts and Dockerfiles read: set by their image, by compose, or in .env.
    provided = documented | dockerfile_env(DOCKER / "Dockerfile")
    for service in compose()["services"].values():
        provided |= set(service.get("environment", {}))
    for script in (DOCKER / "entrypoint.sh", DOCKER / "janus" / "entrypoint.sh"):
        read = set(SHELL_VAR.findall(script.read_text()))
        assert read <= provided, f"{script.name} reads unset {sorted(read - provided)}"
    commands = json.dumps([s.get("command", "") for s in compose()["services"].values()])
    read = set(re.findall(r"\$\$\{?([A-Z_][A-Z0-9_]*)", commands))
    assert read <= provided, f"compose commands read unset {sorted(read - provided)}"


def test_the_server_image_has_the_debian_packages_the_makefile_names() -> None:
    makefile = (ROOT / "Makefile").read_text()
    wanted = re.search(r"^APT_PACKAGES := (.+)$", makefile, re.M)
    assert wanted is not None
    dockerfile = (DOCKER / "Dockerfile").read_text()
    for package in wanted.group(1).split():
        assert re.search(rf"\b{re.escape(package)}\b", dockerfile), package
    assert "USER odr" in dockerfile and "/healthz" in dockerfile


def test_docker_compose_config_accepts_the_file(tmp_path: Path) -> None:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker CLI")
    if subprocess.run([docker, "compose", "version"], capture_output=True).returncode != 0:
        pytest.skip("the docker CLI has no compose plugin here")
    env = tmp_path / ".env"
    env.write_text(ENV_EXAMPLE.read_text())
    done = subprocess.run(
        [docker, "compose", "-f", str(COMPOSE), "--env-file", str(env), "config", "--quiet"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def self_signed(folder: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "odr.test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (folder / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "privkey.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def nginx_test(conf: str, folder: Path) -> subprocess.CompletedProcess[str]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed (apt-get install -y nginx-light)")
    (folder / "tls").mkdir(exist_ok=True)
    self_signed(folder / "tls")
    shutil.copy("/etc/nginx/mime.types", folder / "mime.types")
    conf = conf.replace("/etc/nginx/tls/", f"{folder}/tls/")
    conf = re.sub(r"^pid .*;$", f"pid {folder}/nginx.pid;", conf, flags=re.M)
    for name in SERVERS:  # compose's names, unknown here
        conf = conf.replace(f"server {name}:8080", "server 127.0.0.1:8080")
    (folder / "nginx.conf").write_text(conf)
    return subprocess.run(
        [nginx, "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")],
        capture_output=True,
        text=True,
    )


def test_nginx_accepts_its_configuration(tmp_path: Path) -> None:
    conf = (DOCKER / "nginx" / "nginx.conf").read_text()
    done = nginx_test(conf, tmp_path)
    assert done.returncode == 0 and "test is successful" in done.stderr, done.stderr
    # the check is real: a broken directive fails it
    broken = nginx_test(
        conf.replace("client_max_body_size 21m", "client_max_body_size 2x1m"), tmp_path
    )
    assert broken.returncode != 0


def test_nginx_body_cap_is_above_the_upload_cap_and_its_framing() -> None:
    conf = (DOCKER / "nginx" / "nginx.conf").read_text()
    cap = re.search(r"client_max_body_size (\d+)m;", conf)
    assert cap is not None
    # odr/http/views/evidence.py refuses a body over max_upload_bytes + 64 KiB itself.
    assert int(cap.group(1)) * 2**20 >= Settings().max_upload_bytes + 65536
    assert "proxy_set_header Upgrade $http_upgrade" in conf


def start_turnserver(conf: Path, log: Path) -> subprocess.Popen[bytes]:
    port, low = free_port(), 20000 + os.getpid() % 20000
    with log.open("wb") as out:
        return subprocess.Popen(
            [
                *("turnserver", "-c", str(conf), "--listening-ip=127.0.0.1"),
                f"--listening-port={port}",
                *(f"--min-port={low}", f"--max-port={low + 10}"),
                *(f"--pidfile={conf.parent}/turn.pid", "--no-tls", "--no-dtls"),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def turnserver_log(conf: Path) -> str:
    """What turnserver logs on its way up with `conf` (stopped once its servers run)."""
    log = conf.with_suffix(".log")
    proc = start_turnserver(conf, log)
    try:
        deadline = time.monotonic() + 15
        while "Total General servers" not in log.read_text(errors="replace"):
            assert proc.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return log.read_text(errors="replace")


CONFIG_ERRORS = re.compile(r"Bad configuration|ERROR|Wrong")


def test_turnserver_accepts_its_configuration(tmp_path: Path) -> None:
    if shutil.which("turnserver") is None:
        pytest.skip("coturn is not installed")
    source = (DOCKER / "coturn" / "turnserver.conf").read_text()
    conf = tmp_path / "turnserver.conf"
    conf.write_text(source + "static-auth-secret=0123abcd\n")  # as compose adds it
    log = turnserver_log(conf)
    assert not CONFIG_ERRORS.search(log), log
    denied = re.findall(r"^denied-peer-ip=(\S+)$", source, re.M)
    for cidr in ("10.0.0.0", "100.64.0.0", "127.0.0.0", "169.254.0.0", "172.16.0.0", "192.168.0.0"):
        assert any(r.startswith(cidr + "-") for r in denied), cidr
    for ip_range in denied:
        assert f"Black listing: {ip_range}" in log
    assert "Default realm: weifating" in log and "TCP relay endpoints are not allowed" in log
    # the check is real: a typo is reported
    bad = tmp_path / "bad.conf"
    bad.write_text(conf.read_text().replace("no-multicast-peers", "no-multicast-peer"))
    assert CONFIG_ERRORS.search(turnserver_log(bad))


def janus_request(url: str, body: dict) -> dict:
    request = urllib.request.Request(  # noqa: S310 - our http URL
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        answer: dict = json.loads(response.read())
        return answer


def test_janus_loads_its_configuration_with_the_plugins(tmp_path: Path) -> None:
    if shutil.which("janus") is None:
        pytest.skip("Janus is not installed (apt-get install -y janus)")
    source = tmp_path / "src"
    shutil.copytree(DOCKER / "janus", source)
    port = free_port()
    http = source / "janus.transport.http.jcfg"
    http.write_text(http.read_text().replace("port = 8088", f'port = {port}\n\tip = "127.0.0.1"'))
    env = {**os.environ, "JANUS_API_SECRET": "a1b2c3", "JANUS_ADMIN_KEY": "d4e5f6"}
    log = tmp_path / "janus.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            ["sh", str(source / "entrypoint.sh"), str(source), str(tmp_path / "conf")],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
    url = f"http://127.0.0.1:{port}/janus"
    try:
        deadline = time.monotonic() + 20
        while True:
            assert proc.poll() is None, log.read_text(errors="replace")
            try:
                with urllib.request.urlopen(f"{url}/info", timeout=1) as response:  # noqa: S310
                    info = json.loads(response.read())
                    break
            except OSError:
                assert time.monotonic() < deadline, log.read_text(errors="replace")
                time.sleep(0.2)
        assert set(info["plugins"]) == {"janus.plugin.videoroom", "janus.plugin.audiobridge"}
        assert set(info["transports"]) == {"janus.transport.http"}
        assert info["api_secret"] is True
        refused = janus_request(url, {"janus": "create", "transaction": "t1"})
        assert refused["janus"] == "error"  # no API secret
        made = janus_request(url, {"janus": "create", "transaction": "t2", "apisecret": "a1b2c3"})
        assert made["janus"] == "success"
        rendered = "".join(p.read_text() for p in (tmp_path / "conf").glob("*.jcfg"))
        assert "@JANUS_" not in rendered and "d4e5f6" in rendered and "a1b2c3" in rendered
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
