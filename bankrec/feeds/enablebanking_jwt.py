"""The short-lived RS256 token every Enable Banking request carries.

Enable Banking has no client secret and no token endpoint: the application signs its own
JWT with its private key (header ``kid`` = the application id, claims ``iss``
``enablebanking.com``, ``aud`` ``api.enablebanking.com``, ``iat``/``exp``), and the API
checks it with the public key registered in the control panel. The API refuses tokens
that live longer than a day, so we sign one for an hour and sign a fresh one a few minutes
before it ends: a sync that runs long never sends an expired token.

The private key is the application's only credential. It is loaded once, never written
into a message (errors say *that* the key is wrong, never what it holds), and
:meth:`JwtSigner.secrets` hands the key text and the current token to the HTTP client's
redaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import jwt
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bankrec.feeds.errors import FeedConfigError

ISSUER = "enablebanking.com"
AUDIENCE = "api.enablebanking.com"
ALGORITHM = "RS256"
DEFAULT_LIFETIME = 3600  # one hour: short-lived, yet one token covers a whole sync
MAX_LIFETIME = 86400  # the API refuses tokens valid for longer than a day
RENEW_BEFORE = 300  # sign a new token when the current one has less than 5 minutes left
_MIN_SECRET_PART = 16  # PEM body lines this long are redacted on their own too


def read_private_key(path: str | Path) -> str:
    """The PEM text of the key file at ``path``; one clear line when it cannot be read."""
    try:
        return Path(path).expanduser().read_text(encoding="ascii")
    except FileNotFoundError:
        raise FeedConfigError(f"enablebanking: private key file {path} not found") from None
    except IsADirectoryError:
        raise FeedConfigError(
            f"enablebanking: private key file {path} is a folder, not a file"
        ) from None
    except PermissionError:
        raise FeedConfigError(
            f"enablebanking: no permission to read the private key file {path}"
        ) from None
    except (UnicodeDecodeError, OSError) as exc:
        reason = "not a PEM text file" if isinstance(exc, UnicodeDecodeError) else exc.strerror
        raise FeedConfigError(
            f"enablebanking: cannot read the private key file {path}: {reason}"
        ) from None


def load_private_key(pem: str | bytes) -> rsa.RSAPrivateKey:
    """The RSA key in ``pem``; a one-line :class:`FeedConfigError` (without the key's
    content) when it is not an unencrypted PEM RSA private key."""
    data = pem.encode("ascii", "replace") if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise FeedConfigError(
            "enablebanking: the private key is protected by a password; "
            "give the key without a password"
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise FeedConfigError(
            "enablebanking: the private key is not a PEM private key "
            "(expected the file downloaded when the application was registered, "
            "starting with -----BEGIN PRIVATE KEY-----)"
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise FeedConfigError("enablebanking: the private key is not an RSA key (RS256 needs one)")
    return key


class JwtSigner:
    """Signs (and re-signs before expiry) the application's bearer token."""

    def __init__(
        self,
        application_id: str,
        private_key_pem: str,
        *,
        lifetime: int = DEFAULT_LIFETIME,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not application_id.strip():
            raise FeedConfigError("enablebanking: the application id is empty")
        if not 60 <= lifetime <= MAX_LIFETIME:
            raise FeedConfigError(
                f"enablebanking: token lifetime must be between 60 and {MAX_LIFETIME} seconds"
            )
        self.application_id = application_id.strip()
        self.lifetime = lifetime
        self.clock = clock
        self._pem = private_key_pem
        self._key = load_private_key(private_key_pem)
        self._token = ""
        self._expires = 0.0
        self.signed = 0  # tokens signed so far (tests and the benchmark read it)

    def token(self) -> str:
        """The current token, signed anew when it has less than :data:`RENEW_BEFORE`
        seconds left."""
        if not self._token or self.clock() >= self._expires - RENEW_BEFORE:
            return self.renew()
        return self._token

    def renew(self) -> str:
        """Sign a new token now (also what the HTTP client calls after a 401)."""
        now = int(self.clock())
        claims = {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + self.lifetime}
        headers = {"typ": "JWT", "kid": self.application_id}
        self._token = jwt.encode(claims, self._key, algorithm=ALGORITHM, headers=headers)
        self._expires = float(now + self.lifetime)
        self.signed += 1
        return self._token

    def headers(self) -> dict[str, str]:
        """The ``Authorization`` header of the next request."""
        return {"Authorization": f"Bearer {self.token()}"}

    def secrets(self) -> tuple[str, ...]:
        """What must never appear in a message: the key text, each line of its body (a
        server quoting part of it), and the current token (a bearer credential) with its
        signature on its own."""
        lines = [ln.strip() for ln in self._pem.splitlines()]
        parts = [ln for ln in lines if len(ln) >= _MIN_SECRET_PART and not ln.startswith("---")]
        signature = self._token.rsplit(".", 1)[-1]
        return (self._pem, self._pem.strip(), *parts, self._token, signature)
