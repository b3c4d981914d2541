"""Outgoing calls to addresses tenants type in reach only public addresses, over https, and
exactly the address that was checked (kapittx.egress)."""

import socket
import ssl
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kapittx import egress
from tests.integrations.outgoing.receiver import Receiver

REFUSED = [
    ("https://127.0.0.1/hook", "loopback"),
    ("https://127.8.9.1/hook", "loopback"),
    ("https://10.1.2.3/hook", "private"),
    ("https://172.16.0.5/hook", "private"),
    ("https://192.168.1.20:8443/hook", "private"),
    ("https://169.254.169.254/latest/meta-data/", "link-local"),
    ("https://[::1]/hook", "loopback"),
    ("https://[fc00::5]/hook", "private"),
    ("https://[fe80::1]/hook", "link-local"),
    ("https://224.0.0.251/hook", "multicast"),
    ("https://[ff02::1]/hook", "multicast"),
    ("https://0.0.0.0/hook", "unspecified"),
    ("https://100.64.0.1/hook", "non-public"),
    ("https://[::ffff:127.0.0.1]/hook", "loopback"),
    ("https://[::ffff:10.0.0.1]/hook", "private"),
    ("https://[64:ff9b::a9fe:a9fe]/hook", "link-local"),
    ("https://[2002:c0a8:0101::1]/hook", "private"),
]


@pytest.mark.parametrize(("url", "kind"), REFUSED)
def test_an_address_inside_the_network_is_refused(url, kind):
    with pytest.raises(egress.EgressRefused, match=f" {kind} address"):
        egress.check_url(url)


def test_a_name_resolving_to_a_private_address_is_refused(fake_dns):
    fake_dns["hooks.example.com"] = ["10.0.0.7"]
    with pytest.raises(egress.EgressRefused) as refused:
        egress.check_url("https://hooks.example.com/in")
    assert refused.value.reason == (
        "hooks.example.com resolves to 10.0.0.7, a private address: only public addresses "
        "can be called."
    )


def test_every_address_of_a_name_must_be_public(fake_dns):
    fake_dns["split.example.com"] = ["93.184.215.14", "127.0.0.1"]
    with pytest.raises(egress.EgressRefused, match="127.0.0.1, a loopback"):
        egress.check_url("https://split.example.com/")


def test_a_public_https_address_is_allowed(fake_dns):
    fake_dns["hooks.example.com"] = ["93.184.215.14", "2606:2800:21f:cb07::1"]
    target = egress.check_url("https://hooks.example.com:8443/in?x=1")
    assert (target.host, target.port, target.host_header) == (
        "hooks.example.com",
        8443,
        "hooks.example.com:8443",
    )
    assert target.addresses == ("93.184.215.14", "2606:2800:21f:cb07::1")


def test_only_https_unless_the_operator_allows_http(settings, fake_dns):
    fake_dns["hooks.example.com"] = ["93.184.215.14"]
    for url in ("ftp://hooks.example.com/", "file:///etc/passwd", "gopher://x/"):
        with pytest.raises(egress.EgressRefused, match="Only https://"):
            egress.check_url(url)
    with pytest.raises(egress.EgressRefused, match="plain http:// is not allowed"):
        egress.check_url("http://hooks.example.com/")
    settings.KAPITTX_EGRESS_ALLOW_HTTP = True
    assert egress.check_url("http://hooks.example.com/").port == 80


def test_an_unknown_name_is_refused_as_unresolvable(fake_dns):
    with pytest.raises(egress.Unresolvable, match="nowhere.example.com cannot be found"):
        egress.check_url("https://nowhere.example.com/")


def test_the_operator_setting_allows_private_addresses(settings, fake_dns):
    fake_dns["crm.internal.example"] = ["10.20.0.4"]
    settings.KAPITTX_EGRESS_ALLOW_PRIVATE = True
    assert egress.check_url("https://crm.internal.example/in").addresses == ("10.20.0.4",)
    assert egress.check_url("https://127.0.0.1/in").addresses == ("127.0.0.1",)


def test_a_redirect_is_an_answer_and_is_not_followed(settings):
    settings.KAPITTX_EGRESS_ALLOW_PRIVATE = settings.KAPITTX_EGRESS_ALLOW_HTTP = True
    first, second = Receiver().start(), Receiver().start()
    try:
        first.reply(307, {"Location": second.url})
        response = egress.post(first.url, b"{}", {"Content-Type": "application/json"})
    finally:
        first.stop()
        second.stop()
    assert response.status_code == 307 and response.headers["Location"] == second.url
    assert len(first.received) == 1 and second.received == []


def test_a_long_answer_is_read_only_to_the_cap(settings):
    settings.KAPITTX_EGRESS_ALLOW_PRIVATE = settings.KAPITTX_EGRESS_ALLOW_HTTP = True
    receiver = Receiver().start()
    try:
        receiver.reply(200, body=b"x" * (egress.MAX_BODY * 3))
        response = egress.post(receiver.url, b"{}", {})
    finally:
        receiver.stop()
    assert len(response.content) == egress.MAX_BODY and response.truncated


def test_an_answer_dripping_in_is_cut_off_at_the_read_timeout(settings):
    settings.KAPITTX_EGRESS_ALLOW_PRIVATE = settings.KAPITTX_EGRESS_ALLOW_HTTP = True
    settings.KAPITTX_EGRESS_READ_TIMEOUT = 0.5
    dripping = socket.socket()
    dripping.bind(("127.0.0.1", 0))
    dripping.listen()

    def drip() -> None:
        connection, _ = dripping.accept()
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
        try:
            for _ in range(100):  # each byte well within the read timeout
                time.sleep(0.1)
                connection.sendall(b"x")
        except OSError:
            pass
        connection.close()

    threading.Thread(target=drip, daemon=True).start()
    started = time.monotonic()
    try:
        with pytest.raises(requests.exceptions.ReadTimeout):
            egress.post(f"http://127.0.0.1:{dripping.getsockname()[1]}/", b"{}", {})
    finally:
        dripping.close()
    assert time.monotonic() - started < 3


def test_the_address_checked_is_the_address_called_even_if_dns_changes(settings, fake_dns):
    settings.KAPITTX_EGRESS_ALLOW_HTTP = True
    receiver = Receiver().start()
    port = receiver.server.server_port
    fake_dns["hooks.example.com"] = ["93.184.215.14"]
    try:
        assert egress.check_url(f"http://hooks.example.com:{port}/")
        # Between the check and the call the name is pointed inside the network.
        fake_dns["hooks.example.com"] = ["127.0.0.1"]
        with pytest.raises(egress.EgressRefused, match="127.0.0.1, a loopback"):
            egress.post(f"http://hooks.example.com:{port}/hooks", b"{}", {})
    finally:
        receiver.stop()
    assert receiver.received == []


def _certificate(tmp_path, name: str):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


class TlsServer:
    """An https server on 127.0.0.1 with a certificate for ``name``; notes Host and SNI."""

    def __init__(self, tmp_path, name: str) -> None:
        self.cert_file, key_file = _certificate(tmp_path, name)
        self.seen: dict = {}
        seen = self.seen

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                seen["host"] = self.headers["Host"]
                self.rfile.read(int(self.headers["Content-Length"]))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, key_file)
        context.sni_callback = lambda _socket, sni, _context: seen.update(sni=sni)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.port = self.server.server_address[1]

    def session(self):
        session = egress.guarded_session()
        session.verify = str(self.cert_file)
        return session

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_https_goes_to_the_checked_address_with_the_name_for_host_and_certificate(
    settings, fake_dns, tmp_path, monkeypatch
):
    # Given: hooks.example.com served over TLS on this machine, its certificate for that name
    settings.KAPITTX_EGRESS_ALLOW_PRIVATE = True
    server = TlsServer(tmp_path, "hooks.example.com")
    fake_dns["hooks.example.com"] = ["127.0.0.1"]
    lookups = []
    resolving = socket.getaddrinfo
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, *a, **k: lookups.append(host) or resolving(host, *a, **k),
    )
    try:
        # When: it is called by name
        url = f"https://hooks.example.com:{server.port}/in"
        response = egress.post(url, b"{}", {}, session=server.session())
    finally:
        server.stop()

    # Then: the name was looked up once (the check) and the connection went to the address
    # found, yet the server saw the name in Host and SNI, and its certificate was checked
    assert response.status_code == 204
    assert lookups == ["hooks.example.com", "127.0.0.1"]
    assert server.seen == {"host": f"hooks.example.com:{server.port}", "sni": "hooks.example.com"}


def test_a_certificate_for_another_name_is_refused(settings, fake_dns, tmp_path):
    settings.KAPITTX_EGRESS_ALLOW_PRIVATE = True
    server = TlsServer(tmp_path, "other.example.com")
    fake_dns["hooks.example.com"] = ["127.0.0.1"]
    try:
        with pytest.raises(requests.exceptions.SSLError):
            egress.post(
                f"https://hooks.example.com:{server.port}/in", b"{}", {}, session=server.session()
            )
    finally:
        server.stop()
