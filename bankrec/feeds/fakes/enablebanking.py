"""A fake Enable Banking API: the documented endpoints, their answers and their errors.

Driven through the real client (:mod:`bankrec.feeds.enablebanking`) over HTTP, it checks
what the real API checks and answers in the shapes of its API reference:

* every call but the consent page needs ``Authorization: Bearer <JWT>``, RS256-signed with
  the registered application's key, ``kid`` = its id, ``iss``/``aud`` as documented, not
  expired and living at most a day -- else 401 ``UNAUTHORIZED_ACCESS``;
* ``GET /aspsps``, ``POST /auth`` (consent validity within the bank's maximum),
  ``POST /sessions``, ``GET``/``DELETE /sessions/{id}``, ``GET /accounts/{uid}/details``,
  ``/balances`` and ``/transactions`` (pages of ``page_size`` linked by a
  ``continuation_key`` valid for its listing only);
* a session that expired, was revoked or closed: 401 ``EXPIRED_SESSION``,
  ``REVOKED_SESSION`` or ``CLOSED_SESSION``; bad parameters: 422 with the API's codes.

The user's consent is :meth:`FakeEnableBanking.approve` (or opening the consent URL, which
redirects back like the real page); :meth:`FakeEnableBanking.add_transactions` generates
realistic, deterministic booked and pending lines. Each session gives the accounts new
uids, as the real API does, so nothing can rely on a uid outliving its session. A page
costs O(page size) (a bisect on the dates when a listing starts, then slices), so the
10,000-line benchmark measures the client, not the fake.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bankrec.feeds.enablebanking_jwt import AUDIENCE, ISSUER, MAX_LIFETIME
from bankrec.feeds.fakes.server import FakeApp, Request, Response

DEFAULT_APP_ID = "6f1c2a8e-0b7d-4c1e-9a35-2f64d0e8b711"
DEFAULT_IBAN = "FR7630006000011234567890189"
CONSENT_PATH = "/fake-consent/"
_VERIFIED_CACHE = 1024  # tokens whose signature was checked (expiry is checked every call)

# name, country, BIC, longest consent in days
ASPSPS = (
    ("BNP Paribas", "FR", "BNPAFRPP", 180),
    ("Crédit Agricole", "FR", "AGRIFRPP", 90),
    ("Société Générale", "FR", "SOGEFRPP", 180),
    ("Commerzbank", "DE", "COBADEFF", 180),
    ("Deutsche Bank", "DE", "DEUTDEFF", 90),
    ("Belfius", "BE", "GKCCBEBB", 180),
    ("KBC", "BE", "KREDBEBB", 90),
)
SESSION_ENDED = {
    "EXPIRED": ("EXPIRED_SESSION", "Session is expired"),
    "REVOKED": ("REVOKED_SESSION", "Session is revoked"),
    "CLOSED": ("CLOSED_SESSION", "Session is closed"),
}


def generate_private_key_pem(bits: int = 2048) -> str:
    """A new RSA private key (PEM), like the one the control panel hands out."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def public_key_pem(private_pem: str) -> str:
    """The public half of ``private_pem``: what the API keeps to check the tokens."""
    key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return public.decode("ascii")


def error(status: int, code: str, message: str, detail: str | None = None) -> Response:
    """An answer in the API's ``ErrorResponse`` shape."""
    body = {"code": status, "message": message, "error": code, "detail": detail}
    return Response(status, body)


def wrong_parameters(detail: str) -> Response:
    return error(422, "WRONG_REQUEST_PARAMETERS", "Wrong request parameters provided", detail)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _last_segment(url_or_id: str) -> str:
    return url_or_id.rstrip("/").rsplit("/", 1)[-1]


def day_of(tx: dict[str, Any]) -> str:
    """The date a listing filters on: the booking date, else the value/transaction date."""
    return str(tx.get("booking_date") or tx.get("value_date") or tx.get("transaction_date"))


@dataclass
class FakeAccount:
    """An account at the fake bank; its transactions are kept sorted by :func:`day_of`."""

    iban: str
    currency: str = "EUR"
    name: str = "Compte courant"
    opening: Decimal = Decimal("10000.00")
    transactions: list[dict[str, Any]] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)  # day_of each transaction, for bisect
    refs: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def add(self, items: Iterable[dict[str, Any]]) -> None:
        self.transactions.extend(items)
        self.transactions.sort(key=day_of)
        self.dates = [day_of(t) for t in self.transactions]

    def balance(self, statuses: tuple[str, ...]) -> Decimal:
        total = self.opening
        for tx in self.transactions:
            if tx["status"] in statuses:
                amount = Decimal(tx["transaction_amount"]["amount"])
                total += amount if tx["credit_debit_indicator"] == "CRDT" else -amount
        return total


@dataclass
class FakeAuthorization:
    """A started consent (``POST /auth``), waiting for the user."""

    id: str
    aspsp: dict[str, str]
    state: str
    redirect_url: str
    valid_until: dt.datetime
    psu_type: str
    code: str = ""
    used: bool = False


@dataclass
class FakeSession:
    """A consent given: its accounts (uid -> IBAN) and its status."""

    id: str
    aspsp: dict[str, str]
    psu_type: str
    valid_until: dt.datetime
    created: dt.datetime
    accounts: dict[str, str]
    status: str = "AUTHORIZED"


class FakeEnableBanking(FakeApp):
    """Enable Banking's API for one registered application (its id and public key)."""

    def __init__(
        self,
        public_key: str,
        *,
        application_id: str = DEFAULT_APP_ID,
        page_size: int = 100,
        clock: Callable[[], float] = time.time,
        redirect_urls: Iterable[str] = (),
    ) -> None:
        super().__init__()
        key = serialization.load_pem_public_key(public_key.encode("ascii"))
        if not isinstance(key, rsa.RSAPublicKey):
            raise ValueError("the application's public key must be an RSA key")
        self.public_key = key
        self.application_id = application_id
        self.page_size = page_size
        self.clock = clock
        self.redirect_urls = tuple(redirect_urls)  # empty: any redirect URL is accepted
        self.aspsps: list[dict[str, Any]] = []
        for name, country, bic, days in ASPSPS:
            self.add_aspsp(name, country, bic=bic, max_consent_days=days)
        self.accounts = {DEFAULT_IBAN: FakeAccount(DEFAULT_IBAN)}
        self.authorizations: dict[str, FakeAuthorization] = {}
        self.sessions: dict[str, FakeSession] = {}
        self._codes: dict[str, str] = {}  # authorisation code -> authorization id
        self._uids: dict[str, str] = {}  # account uid -> session id
        self._listings: dict[str, tuple[str, list[dict[str, Any]], int]] = {}
        self._verified: dict[str, tuple[float, float]] = {}  # token -> (iat, exp)
        self._tx_ids = itertools.count(1)

    # ---- what tests and benchmarks set up ----------------------------------------------

    def add_aspsp(
        self,
        name: str,
        country: str,
        *,
        bic: str = "",
        max_consent_days: int = 180,
        psu_types: tuple[str, ...] = ("business", "personal"),
    ) -> None:
        """Offer one more bank."""
        aspsp = {
            "name": name,
            "country": country,
            "bic": bic,
            "logo": f"https://enablebanking.com/brands/{country}/{name}/",
            "psu_types": list(psu_types),
            "maximum_consent_validity": max_consent_days * 86400,
            "auth_methods": [],
            "required_psu_headers": [],
            "beta": False,
        }
        with self.lock:
            self.aspsps.append(aspsp)

    def add_account(self, iban: str, *, currency: str = "EUR", name: str = "") -> str:
        """One more account of the user, in every session approved from now on."""
        with self.lock:
            self.accounts[iban] = FakeAccount(iban, currency, name or "Compte courant")
        return iban

    def add_transactions(
        self,
        account: str,
        n: int,
        start_date: dt.date,
        seed: int = 0,
        *,
        days: int = 30,
        pending_ratio: float = 0.05,
    ) -> list[dict[str, Any]]:
        """Generate ``n`` transactions of ``account`` (its IBAN or a session's uid) over
        ``days`` days from ``start_date``: booked ones, ``pending_ratio`` pending, about one
        booked in ten without an entry reference (a few of those repeated the same day,
        like two identical card payments). The same arguments give the same lines."""
        with self.lock:
            acct = self._account(account)
            made = generate(acct.iban, n, start_date, seed, days, pending_ratio, acct.refs)
            acct.add(made)
        return made

    def add_transaction(self, account: str, data: dict[str, Any]) -> None:
        """Add one transaction exactly as given (the API's ``Transaction`` JSON)."""
        with self.lock:
            self._account(account).add([dict(data)])

    def booked(self, account: str) -> list[dict[str, Any]]:
        """The booked transactions of ``account`` (IBAN or uid), in date order."""
        with self.lock:
            return [t for t in self._account(account).transactions if t["status"] == "BOOK"]

    def approve(self, auth_url_or_id: str) -> str:
        """The user gives consent: the authorisation code the redirect carries back."""
        with self.lock:
            return self._approve(self.authorizations[_last_segment(auth_url_or_id)])

    def redirect_params(self, auth_url_or_id: str) -> dict[str, str]:
        """The redirect's query parameters after consent (``code`` and ``state``)."""
        with self.lock:
            auth = self.authorizations[_last_segment(auth_url_or_id)]
            return {"code": self._approve(auth), "state": auth.state}

    def refusal_params(
        self,
        auth_url_or_id: str,
        error: str = "access_denied",
        description: str = "The user cancelled the authorisation",
    ) -> dict[str, str]:
        """The redirect's query parameters when the user or the bank refuses."""
        with self.lock:
            auth = self.authorizations[_last_segment(auth_url_or_id)]
        return {"error": error, "error_description": description, "state": auth.state}

    def expire(self, session_id: str) -> None:
        """The consent ends now (as when ``valid_until`` passes)."""
        with self.lock:
            self.sessions[session_id].status = "EXPIRED"

    def revoke(self, session_id: str) -> None:
        """The user withdraws the consent at the bank."""
        with self.lock:
            self.sessions[session_id].status = "REVOKED"

    def rate_limit_next(
        self,
        seconds: int = 1,
        *,
        times: int = 1,
        prefix: str = "/accounts",
        header: str = "Retry-After",
    ) -> None:
        """The next ``times`` calls under ``prefix`` answer 429, asking to wait ``seconds``
        in ``header`` (``Retry-After``, ``RateLimit-Reset`` or ``X-RateLimit-Reset``)."""
        body = {"code": 429, "message": "Too many requests",
                "error": "ASPSP_RATE_LIMIT_EXCEEDED", "detail": None}  # fmt: skip
        self.fail_next(429, times=times, prefix=prefix, headers={header: str(seconds)}, body=body)

    def _account(self, key: str) -> FakeAccount:
        """The account with IBAN ``key``, or with the session uid ``key``."""
        if key in self.accounts:
            return self.accounts[key]
        session = self.sessions.get(self._uids.get(key, ""))
        if session is None:
            raise KeyError(f"no fake account with IBAN or uid {key!r}")
        return self.accounts[session.accounts[key]]

    def _approve(self, auth: FakeAuthorization) -> str:
        if not auth.code:
            auth.code = uuid.uuid4().hex
            self._codes[auth.code] = auth.id
        return auth.code

    # ---- the API -----------------------------------------------------------------------

    def route(self, request: Request) -> Response:
        if request.method == "GET" and request.path.startswith(CONSENT_PATH):
            return self._consent_page(_last_segment(request.path))
        refused = self._check_token(request)
        if refused is not None:
            return refused
        match request.method, [p for p in request.path.split("/") if p]:
            case "GET", ["aspsps"]:
                return self._aspsps(request.query)
            case "POST", ["auth"]:
                return self._start_auth(request)
            case "POST", ["sessions"]:
                return self._create_session(request)
            case "GET", ["sessions", session_id]:
                return self._get_session(session_id)
            case "DELETE", ["sessions", session_id]:
                return self._delete_session(session_id)
            case "GET", ["accounts", uid, what]:
                return self._account_data(uid, what, request.query)
        return error(404, "NOT_FOUND", f"No route {request.method} {request.path}")

    def _check_token(self, request: Request) -> Response | None:
        """401 unless the request carries a valid, unexpired token of our application."""
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            return error(401, "AUTHORIZATION_NOT_PROVIDED", "Authorization header is not provided")
        token = header.removeprefix("Bearer ")
        times = self._verified.get(token)
        if times is None:
            try:
                kid = jwt.get_unverified_header(token).get("kid")
                claims = jwt.decode(
                    token,
                    self.public_key,
                    algorithms=["RS256"],
                    audience=AUDIENCE,
                    issuer=ISSUER,
                    # times are judged below against the fake's clock, not the machine's
                    options={"verify_exp": False, "verify_iat": False,
                             "require": ["iat", "exp", "iss", "aud"]},
                )  # fmt: skip
            except jwt.PyJWTError as exc:
                return _unauthorized(f"Invalid JWT: {type(exc).__name__}")
            if kid != self.application_id:
                return _unauthorized("Unknown application id (kid)")
            times = (float(claims["iat"]), float(claims["exp"]))
            if times[1] - times[0] > MAX_LIFETIME:
                return _unauthorized("JWT lifetime exceeds 24 hours")
            if len(self._verified) >= _VERIFIED_CACHE:
                self._verified.clear()
            self._verified[token] = times
        now = self.clock()
        if now >= times[1]:
            return _unauthorized("JWT is expired")
        if times[0] > now + 60:
            return _unauthorized("JWT is issued in the future")
        return None

    def _now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock(), dt.UTC)

    def _aspsps(self, query: dict[str, str]) -> Response:
        country = query.get("country")
        if country is not None and not (len(country) == 2 and country.isalpha()
                                        and country.isupper()):  # fmt: skip
            return wrong_parameters("country must be a two-letter ISO 3166 code")
        psu_type = query.get("psu_type")
        found = [
            a
            for a in self.aspsps
            if country in (None, a["country"]) and (psu_type is None or psu_type in a["psu_types"])
        ]
        return Response(200, {"aspsps": found})

    def _start_auth(self, request: Request) -> Response:
        try:
            body = request.json()
        except ValueError:
            return error(400, "WRONG_REQUEST_PARAMETERS", "Request body is not JSON")
        if not isinstance(body, dict):
            return wrong_parameters("the body must be a JSON object")
        aspsp = body.get("aspsp")
        aspsp = aspsp if isinstance(aspsp, dict) else {}
        known = next(
            (a for a in self.aspsps
             if (a["name"], a["country"]) == (aspsp.get("name"), aspsp.get("country"))),
            None,
        )  # fmt: skip
        if known is None:
            return error(422, "WRONG_ASPSP_PROVIDED", "Wrong ASPSP name provided")
        until = self._consent_end(body, known)
        if isinstance(until, Response):
            return until
        auth = FakeAuthorization(
            id=str(uuid.uuid4()),
            aspsp={"name": known["name"], "country": known["country"]},
            state=body["state"],
            redirect_url=body["redirect_url"],
            valid_until=until,
            psu_type=body.get("psu_type") or "personal",
        )
        self.authorizations[auth.id] = auth
        url = f"http://{request.headers.get('host', '127.0.0.1')}{CONSENT_PATH}{auth.id}"
        return Response(200, {"url": url, "authorization_id": auth.id, "psu_id_hash": _hash(url)})

    def _consent_end(self, body: dict[str, Any], aspsp: dict[str, Any]) -> Response | dt.datetime:
        """The 422 a ``POST /auth`` body deserves, else the consent's end it asks for."""
        for name in ("state", "redirect_url"):
            if not isinstance(body.get(name), str) or not body[name]:
                return wrong_parameters(f"{name} is required")
        if self.redirect_urls and body["redirect_url"] not in self.redirect_urls:
            return error(422, "REDIRECT_URI_NOT_ALLOWED", "Redirect URI not allowed")
        if (body.get("psu_type") or "personal") not in aspsp["psu_types"]:
            return wrong_parameters("psu_type is not supported by the ASPSP")
        access = body.get("access")
        raw = access.get("valid_until") if isinstance(access, dict) else None
        try:
            until = dt.datetime.fromisoformat(raw) if isinstance(raw, str) else None
        except ValueError:
            until = None
        if until is None or until.tzinfo is None:
            return wrong_parameters("access.valid_until must be a date-time with an offset")
        now = self._now()
        if not now < until <= now + dt.timedelta(seconds=aspsp["maximum_consent_validity"]):
            return wrong_parameters(
                "access.valid_until must be in the future, within maximum_consent_validity"
            )
        return until

    def _consent_page(self, auth_id: str) -> Response:
        """The user's browser at the consent URL: consent given, redirected back."""
        auth = self.authorizations.get(auth_id)
        if auth is None:
            return error(404, "NOT_FOUND", "No such authorisation")
        query = urlencode({"state": auth.state, "code": self._approve(auth)})
        joiner = "&" if "?" in auth.redirect_url else "?"
        return Response(302, b"", {"Location": f"{auth.redirect_url}{joiner}{query}"})

    def _create_session(self, request: Request) -> Response:
        try:
            body = request.json()
        except ValueError:
            return error(400, "WRONG_REQUEST_PARAMETERS", "Request body is not JSON")
        code = body.get("code") if isinstance(body, dict) else None
        auth = self.authorizations.get(self._codes.get(str(code), ""))
        if auth is None:
            return error(422, "WRONG_AUTHORIZATION_CODE", "Wrong authorization code provided")
        if auth.used:
            return error(422, "ALREADY_AUTHORIZED", "Session is already authorized")
        auth.used = True
        session = FakeSession(
            id=str(uuid.uuid4()),
            aspsp=auth.aspsp,
            psu_type=auth.psu_type,
            valid_until=auth.valid_until,
            created=self._now(),
            accounts={str(uuid.uuid4()): iban for iban in self.accounts},
        )
        self.sessions[session.id] = session
        self._uids.update(dict.fromkeys(session.accounts, session.id))
        resources = [self._account_resource(uid, iban) for uid, iban in session.accounts.items()]
        return Response(
            200,
            {
                "session_id": session.id,
                "accounts": resources,
                "aspsp": session.aspsp,
                "psu_type": session.psu_type,
                "access": {"valid_until": _iso(session.valid_until)},
            },
        )

    def _account_resource(self, uid: str, iban: str) -> dict[str, Any]:
        acct = self.accounts[iban]
        return {
            "uid": uid,
            "account_id": {"iban": iban},
            "all_account_ids": [],
            "name": acct.name,
            "currency": acct.currency,
            "cash_account_type": "CACC",
            "identification_hash": _hash(iban),
            "identification_hashes": [_hash(iban)],
        }

    def _session(self, session_id: str) -> FakeSession | None:
        """The session, its status brought up to date with the clock."""
        session = self.sessions.get(session_id)
        if session and session.status == "AUTHORIZED" and self._now() >= session.valid_until:
            session.status = "EXPIRED"
        return session

    def _get_session(self, session_id: str) -> Response:
        session = self._session(session_id)
        if session is None:
            return error(404, "SESSION_DOES_NOT_EXIST", "No session found matching provided id")
        accounts_data = [
            {"uid": uid, "identification_hash": _hash(iban), "identification_hashes": [_hash(iban)]}
            for uid, iban in session.accounts.items()
        ]
        return Response(
            200,
            {
                "status": session.status,
                "accounts": list(session.accounts),
                "accounts_data": accounts_data,
                "aspsp": session.aspsp,
                "psu_type": session.psu_type,
                "psu_id_hash": _hash(session.id),
                "access": {"valid_until": _iso(session.valid_until)},
                "created": _iso(session.created),
                "authorized": _iso(session.created),
            },
        )

    def _delete_session(self, session_id: str) -> Response:
        session = self._session(session_id)
        if session is None:
            return error(404, "SESSION_DOES_NOT_EXIST", "No session found matching provided id")
        session.status = "CLOSED"
        return Response(200, {"message": "OK"})

    def _account_data(self, uid: str, what: str, query: dict[str, str]) -> Response:
        session = self._session(self._uids.get(uid, ""))
        if session is None:
            return error(404, "ACCOUNT_DOES_NOT_EXIST", "No account found matching provided id")
        if session.status in SESSION_ENDED:
            return error(401, *SESSION_ENDED[session.status])
        acct = self.accounts[session.accounts[uid]]
        if what == "details":
            return Response(200, self._account_resource(uid, acct.iban))
        if what == "balances":
            return Response(200, {"balances": self._balances(acct)})
        if what == "transactions":
            return self._transactions(uid, acct, query)
        return error(404, "NOT_FOUND", f"No route GET /accounts/{{uid}}/{what}")

    def _balances(self, acct: FakeAccount) -> list[dict[str, Any]]:
        today = self._now().date().isoformat()
        kinds = (("Booked balance", "CLBD", ("BOOK",)), ("Expected", "XPCD", ("BOOK", "PDNG")))
        return [
            {
                "name": name,
                "balance_type": kind,
                "reference_date": today,
                "balance_amount": {"currency": acct.currency, "amount": str(acct.balance(sts))},
            }
            for name, kind, sts in kinds
        ]

    def _transactions(self, uid: str, acct: FakeAccount, query: dict[str, str]) -> Response:
        key = query.get("continuation_key")
        if key:
            listing = self._listings.get(key)
            if listing is None or listing[0] != uid:
                return error(422, "WRONG_CONTINUATION_KEY", "Wrong continuation key provided")
            _, items, offset = listing
        else:
            wrong = _wrong_period(query, self._now().date())
            if wrong is not None:
                return wrong
            start = bisect.bisect_left(acct.dates, query.get("date_from", ""))
            end = bisect.bisect_right(acct.dates, query.get("date_to") or "9999-12-31")
            items, offset = acct.transactions[start:end], 0
        # transaction_id is documented as changing from one listing to the next: so it does
        page = [
            {**tx, "transaction_id": f"tx{next(self._tx_ids):09d}"}
            for tx in items[offset : offset + self.page_size]
        ]
        body: dict[str, Any] = {"transactions": page, "continuation_key": None}
        if offset + self.page_size < len(items):
            body["continuation_key"] = next_key = uuid.uuid4().hex
            self._listings[next_key] = (uid, items, offset + self.page_size)
        return Response(200, body)


def _unauthorized(detail: str) -> Response:
    return error(401, "UNAUTHORIZED_ACCESS", "Unauthorized access", detail)


def _wrong_period(query: dict[str, str], today: dt.date) -> Response | None:
    """The 422 that ``date_from``/``date_to`` deserve, if any."""
    try:
        start = dt.date.fromisoformat(query["date_from"]) if "date_from" in query else None
        end = dt.date.fromisoformat(query["date_to"]) if "date_to" in query else None
    except ValueError:
        return wrong_parameters("date_from and date_to must be ISO dates")
    if end is not None and start is None:
        return error(422, "DATE_TO_WITHOUT_DATE_FROM", "date_from must be provided with date_to")
    if start is not None and start > today:
        return error(422, "DATE_FROM_IN_FUTURE", "date_from can not be in the future")
    if start is not None and end is not None and start > end:
        return error(422, "WRONG_DATE_INTERVAL", "date_from should be less than or equal date_to")
    return None


# ---- generated transactions --------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One kind of generated line: its direction, country, bank code and label lines."""

    name: str
    indicator: str  # CRDT / DBIT
    country: str
    weight: int  # how often it occurs
    code: str  # "family/sub-family/description"
    lines: tuple[str, ...]  # filled with party, num, date, year, ogm

    @property
    def bank_code(self) -> dict[str, str]:
        family, sub, description = self.code.split("/")
        return {"code": family, "sub_code": sub, "description": description}


KINDS = (
    Kind("transfer_in", "CRDT", "FR", 30, "RCDT/ESCT/Virement SEPA recu",
         ("VIR SEPA RECU /DE {party}", "/MOTIF FACTURE FA-{year}-{num:05d}")),
    Kind("transfer_out", "DBIT", "FR", 12, "ICDT/ESCT/Virement SEPA emis",
         ("VIR SEPA EMIS /A {party}", "/MOTIF REGLEMENT FACT {num}")),
    Kind("direct_debit", "DBIT", "FR", 14, "RDDT/ESDD/Prelevement SEPA",
         ("PRLV SEPA {party}", "ECH/{date:%d%m%y} ID EMETTEUR/FR{num}")),
    Kind("card", "DBIT", "FR", 16, "CCRD/POSD/Paiement carte", ("CB {party} {date:%d/%m}",)),
    Kind("fee", "DBIT", "FR", 3, "ACMT/CHRG/Frais bancaires", ("FRAIS TENUE DE COMPTE",)),
    Kind("transfer_in", "CRDT", "DE", 10, "RCDT/ESCT/SEPA-Gutschrift",
         ("SEPA-Gutschrift {party}", "Rechnung RE-{year}-{num}")),
    Kind("direct_debit", "DBIT", "DE", 6, "RDDT/ESDD/SEPA-Lastschrift",
         ("SEPA-Lastschrift {party}", "Mandat M-{num}")),
    Kind("transfer_in", "CRDT", "BE", 6, "RCDT/ESCT/Virement europeen",
         ("VIREMENT EUROPEEN {party}", "+++{ogm}+++")),
    Kind("direct_debit", "DBIT", "BE", 3, "RDDT/ESDD/Domiciliation",
         ("DOMICILIATION EUROPEENNE {party}", "REF {num}")),
)  # fmt: skip
PARTIES = {
    "FR": ("ACME SARL", "DUPONT ET FILS SAS", "BOULANGERIE MARTIN", "TRANSPORTS LEROY",
           "CABINET MOREAU", "ELECTRICITE DE FRANCE", "ORANGE SA", "URSSAF ILE DE FRANCE"),
    "DE": ("Muster Handel GmbH", "Schmidt & Partner KG", "Bäckerei Weber",
           "Stadtwerke München GmbH", "Telekom Deutschland GmbH"),
    "BE": ("Brasserie Dubois SPRL", "Janssens NV", "Proximus SA", "Engie Electrabel"),
}  # fmt: skip
MERCHANTS = ("AMAZON EU SARL", "TOTALENERGIES", "SNCF", "LEROY MERLIN", "CARREFOUR", "IKEA")
BICS = {"FR": ("BNPAFRPP", "SOGEFRPP", "CRLYFRPP"), "DE": ("COBADEFF",), "BE": ("KREDBEBB",)}
BBAN_DIGITS = {"FR": 23, "DE": 18, "BE": 12}


def _mod97(text: str) -> int:
    """ISO 7064 mod 97-10 of ``text``, letters counted as numbers (A=10...): IBAN, RF."""
    return int("".join(str(int(c, 36)) for c in text)) % 97


def iban_for(name: str, country: str) -> str:
    """A deterministic IBAN, with valid check digits, for party ``name``."""
    bban = str(int(hashlib.sha256(name.encode()).hexdigest(), 16))[: BBAN_DIGITS[country]]
    return f"{country}{98 - _mod97(bban + country + '00'):02d}{bban}"


def rf_reference(number: int) -> str:
    """An ISO 11649 creditor reference (``RF`` and its check digits)."""
    body = f"{number:08d}"
    return f"RF{98 - _mod97(body + 'RF00'):02d}{body}"


def ogm(number: int) -> str:
    """A Belgian structured communication ``123/4567/89012`` (mod 97 check)."""
    base = number % 10**10
    text = f"{base:010d}{base % 97 or 97:02d}"
    return f"{text[:3]}/{text[3:7]}/{text[7:]}"


def generate(
    iban: str,
    n: int,
    start_date: dt.date,
    seed: int,
    days: int,
    pending_ratio: float,
    refs: Iterator[int],
) -> list[dict[str, Any]]:
    """``n`` transactions of account ``iban`` in the API's JSON (see
    :meth:`FakeEnableBanking.add_transactions`); ``refs`` numbers the entry references."""
    rng = random.Random(f"{seed}:{iban}:{start_date.isoformat()}")
    weights = [k.weight for k in KINDS]
    made: list[dict[str, Any]] = []
    unreferenced: dict[str, Any] | None = None
    for _ in range(n):
        if unreferenced is not None and rng.random() < 0.03:
            made.append(dict(unreferenced))  # the very same line again, the same day
            continue
        kind = rng.choices(KINDS, weights)[0]
        date = start_date + dt.timedelta(days=rng.randrange(max(1, days)))
        party = rng.choice(MERCHANTS if kind.name == "card" else PARTIES[kind.country])
        num = rng.randrange(1, 99999)
        small = kind.name in ("card", "fee")
        cents = rng.randrange(150, 12000) if small else rng.randrange(2000, 900000)
        fill = {"party": party, "num": num, "date": date, "year": date.year, "ogm": ogm(num)}
        tx: dict[str, Any] = {
            "transaction_amount": {"currency": "EUR", "amount": f"{Decimal(cents) / 100:.2f}"},
            "credit_debit_indicator": kind.indicator,
            "status": "PDNG" if rng.random() < pending_ratio else "BOOK",
            "value_date": date.isoformat(),
            "transaction_date": date.isoformat(),
            "remittance_information": [line.format(**fill) for line in kind.lines],
            "bank_transaction_code": kind.bank_code,
        }
        if kind.name != "fee":
            incoming = kind.indicator == "CRDT"
            side, ours = ("debtor", "creditor") if incoming else ("creditor", "debtor")
            tx[side] = {"name": party}
            tx[f"{ours}_account"] = {"iban": iban}
            if kind.name != "card":
                tx[f"{side}_account"] = {"iban": iban_for(party, kind.country)}
                tx[f"{side}_agent"] = {"bic_fi": rng.choice(BICS[kind.country])}
        if kind.name == "transfer_in" and kind.country == "BE":
            tx["reference_number"], tx["reference_number_schema"] = ogm(num), "BERF"
        elif kind.name == "transfer_in" and rng.random() < 0.4:
            tx["reference_number"], tx["reference_number_schema"] = rf_reference(num), "INTL"
        if tx["status"] == "BOOK":
            tx["booking_date"] = date.isoformat()
            if rng.random() < 0.9:
                tx["entry_reference"] = f"{date:%Y%m%d}{next(refs):08d}"
            else:
                unreferenced = tx
        made.append(tx)
    return made
