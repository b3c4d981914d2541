"""Outgoing HTTP to addresses tenants type in, kept out of the network the servers sit in.

Workers call URLs that tenants enter: webhook endpoints, an email provider's API address.
Unchecked, such a URL could reach what only the servers can reach — the cloud's metadata
service at 169.254.169.254, the database, Redis, an admin port on localhost (server-side
request forgery). So every such call goes through here:

- :func:`check_url` allows ``https://`` only (``http://`` too with
  ``KAPITTX_EGRESS_ALLOW_HTTP``) and resolves the host: *every* address it resolves to must be
  public — not loopback, private, link-local, multicast, reserved, unspecified or shared, and
  no IPv6 form that embeds such an IPv4 address — unless ``KAPITTX_EGRESS_ALLOW_PRIVATE``
  allows it (tests, self-hosting on a private network).
- :func:`guarded_session` is a ``requests`` session whose transport checks each request
  again as it connects and then connects to the very address it checked, with the URL's
  host name kept for the ``Host`` header, TLS's server name and the certificate check: a DNS
  answer that changes between the check and the call (DNS rebinding) reaches nothing it
  was not allowed to. Timeouts are short (the body of an answer, too, must arrive within
  the read timeout), response bodies are read to ``MAX_BODY`` bytes at most, and proxies
  from the environment are not used (they would resolve the name again).
- :func:`post` sends one POST through such a session and never follows a redirect.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import urllib3
from django.conf import settings
from requests.adapters import HTTPAdapter

#: The most of a response body that is read; the rest is dropped unread.
MAX_BODY = 64 * 1024
DEFAULT_PORTS = {"http": 80, "https": 443}
#: NAT64's well-known prefix: an IPv6-only network reaches IPv4 hosts through it, so the
#: IPv4 address in its last 32 bits is what is reached.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
#: What makes an address not callable, in the words of the refusal.
KINDS = (
    ("is_loopback", "loopback"),
    ("is_unspecified", "unspecified"),
    ("is_link_local", "link-local"),
    ("is_multicast", "multicast"),
    ("is_private", "private"),
    ("is_reserved", "reserved"),
)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class EgressRefused(requests.ConnectionError):
    """The URL may not be called; ``reason`` says why, for the person who typed it.

    A ``requests`` connection error, so code that calls through a guarded session and
    handles a failed connection handles this too.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Unresolvable(EgressRefused):
    """The host name resolves to no address (a typo, or DNS not set up yet)."""


@dataclass(frozen=True)
class Target:
    """A URL that may be called, and every address its host resolved to."""

    scheme: str
    host: str  # as in the URL, without IPv6 brackets
    port: int
    addresses: tuple[str, ...]

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


def blocked_kind(address: Address) -> str:
    """Return what keeps ``address`` from being called ("private", "loopback" …), or ""."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return blocked_kind(address.ipv4_mapped)
        if address in NAT64:
            return blocked_kind(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address.sixtofour is not None and (inner := blocked_kind(address.sixtofour)):
            return inner
    for test, kind in KINDS:
        if getattr(address, test):
            return kind
    # Shared address space (100.64.0.0/10, carrier-grade NAT) is neither private nor global.
    return "" if address.is_global else "non-public"


def resolve(host: str, port: int) -> tuple[str, ...]:
    """Return every address ``host`` resolves to; raise ``Unresolvable`` when none."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise Unresolvable(f"{host} cannot be found ({exc}).") from None
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in found))
    if not addresses:
        raise Unresolvable(f"{host} cannot be found.")
    return addresses


def check_url(url: str) -> Target:
    """Return where ``url`` leads, or raise ``EgressRefused`` saying why it may not be called."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise EgressRefused("Only https:// addresses can be called.")
    if scheme == "http" and not settings.KAPITTX_EGRESS_ALLOW_HTTP:
        raise EgressRefused("Use an https:// address: plain http:// is not allowed here.")
    host = parts.hostname
    if not host:
        raise EgressRefused("The address has no host name.")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise EgressRefused("The address has an invalid port.") from None
    addresses = resolve(host, port)
    if not settings.KAPITTX_EGRESS_ALLOW_PRIVATE:
        for text in addresses:
            # A scoped IPv6 address carries its interface after "%".
            kind = blocked_kind(ipaddress.ip_address(text.partition("%")[0]))
            if kind:
                what = f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} address"
                where = f"{host} is" if host == text else f"{host} resolves to {text},"
                raise EgressRefused(f"{where} {what}: only public addresses can be called.")
    return Target(scheme, host, port, addresses)


def timeouts() -> tuple[float, float]:
    """Return the (connect, read) timeouts of outgoing calls, in seconds."""
    return settings.KAPITTX_EGRESS_CONNECT_TIMEOUT, settings.KAPITTX_EGRESS_READ_TIMEOUT


def _read_capped(raw, seconds: float) -> bytes:
    """Read at most ``MAX_BODY`` + 1 bytes of an answer, in at most ``seconds`` in all: a
    server dripping a byte at a time stays within each read's timeout, not within this."""
    deadline = time.monotonic() + seconds
    body = bytearray()
    while len(body) <= MAX_BODY:
        chunk = raw.read1(MAX_BODY + 1 - len(body), decode_content=True)
        if not chunk:
            break
        body += chunk
        if time.monotonic() > deadline:
            raise urllib3.exceptions.ReadTimeoutError(None, None, "The answer took too long.")
    return bytes(body)


class GuardedAdapter(HTTPAdapter):
    """A transport that checks each request's URL as it connects, connects to the address
    it checked, and reads at most ``MAX_BODY`` bytes of the answer."""

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        target = check_url(request.url)
        # The connection pool is keyed by the address (below); the server still hears the
        # name it was asked for.
        request.kapittx_target = target
        request.headers["Host"] = target.host_header
        response = super().send(
            request, stream=True, timeout=timeout or timeouts(), verify=verify, cert=cert
        )
        if not stream:
            try:
                body = _read_capped(response.raw, timeouts()[1])
            except urllib3.exceptions.ReadTimeoutError as exc:
                raise requests.exceptions.ReadTimeout(exc, request=request) from exc
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                raise requests.ConnectionError(exc, request=request) from exc
            finally:
                response.close()
            response._content = body[:MAX_BODY]
            response._content_consumed = True
            response.truncated = len(body) > MAX_BODY
        return response

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        target: Target = request.kapittx_target
        host_params["host"] = target.addresses[0]
        if target.scheme == "https":
            # SNI and the certificate check use the name, not the address connected to.
            pool_kwargs["server_hostname"] = target.host
        return host_params, pool_kwargs


def guard(session: requests.Session) -> requests.Session:
    """Make ``session`` call only what :func:`check_url` allows, as it allows it."""
    adapter = GuardedAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.trust_env = False
    return session


def guarded_session() -> requests.Session:
    """Return a new session whose every call is checked (see :func:`guard`)."""
    return guard(requests.Session())


def post(
    url: str, body: bytes, headers: dict[str, str], session: requests.Session | None = None
) -> requests.Response:
    """POST ``body`` to ``url`` through a guarded session; redirects are answers, not
    followed. Raise ``EgressRefused`` when the URL may not be called, or another
    ``requests`` error when the call fails."""
    own = session is None
    session = guarded_session() if own else session
    try:
        return session.post(
            url, data=body, headers=headers, allow_redirects=False, timeout=timeouts()
        )
    finally:
        if own:
            session.close()
