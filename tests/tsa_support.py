"""A local timestamp authority for the tests: RFC 3161 over HTTP on 127.0.0.1.

pyHanko's test timestamper (``DummyTimeStamper``) answers every request, signing with a key
and certificate made here with ``cryptography`` (RSA 2048, the only kind it signs with;
extended key usage timeStamping, critical, as RFC 3161 asks of a TSA certificate).
The server runs in a thread on a free port and is always stopped when the ``with`` block ends.
"""

from __future__ import annotations

import datetime
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TSA_NAME = "Test Time Authority"


@dataclass(frozen=True)
class Authority:
    url: str
    certificate: x509.Certificate
    requests: list[int]
    """One entry per request answered (its body's length)."""


def _certificate(now: datetime.datetime) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "planner tests"),
            x509.NameAttribute(NameOID.COMMON_NAME, TSA_NAME),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


@contextmanager
def timestamp_authority() -> Iterator[Authority]:
    """A running timestamp authority; its URL for ``PLANNER_TSA_URL``."""
    from asn1crypto import keys, tsp  # type: ignore[import-untyped]
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    key, certificate = _certificate(datetime.datetime.now(datetime.UTC))
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )
    requests: list[int] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.headers.get("Content-Type") != "application/timestamp-query":
                self.send_error(415)
                return
            answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            requests.append(len(body))
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        yield Authority(f"http://127.0.0.1:{port}/tsa", certificate, requests)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
