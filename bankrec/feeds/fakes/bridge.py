"""A stand-in for Bridge's v3 aggregation API, with state, for tests and benchmarks.

It answers what :class:`bankrec.feeds.bridge.BridgeProvider` calls, the way Bridge documents
it: every request needs ``Bridge-Version`` (400 otherwise) and the application's
``Client-Id``/``Client-Secret`` (401 ``invalid_client_credentials`` otherwise); user
endpoints need a bearer token from ``/v3/aggregation/authorization/token``, which expires
(401 once expired, by the injectable ``clock``, or at once with :meth:`FakeBridge.expire_tokens`).
Lists are paged with ``limit`` (default 50, at most 500) and ``pagination.next_uri``.

Test helpers play the parts Bridge's web pages and the bank play: :meth:`FakeBridge.approve`
is the user logging in to the bank through Bridge Connect (it creates the item and its
accounts and returns the redirect's query parameters), :meth:`FakeBridge.add_transactions`
books realistic French transactions, and :meth:`FakeBridge.require_sca` /
:meth:`FakeBridge.expire_consent` put an item in the states that need the user back.
Faults (429 with ``Retry-After``, 5xx, dropped connections) come from
:meth:`~bankrec.feeds.fakes.server.FakeApp.fail_next`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import re
import time
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from bankrec.feeds.fakes.server import FakeApp, Request, Response

CONNECT_URL = "https://connect.bridgeapi.io/session/"
DEFAULT_LIMIT, MAX_LIMIT = 50, 500
SCA_DAYS = 180  # PSD2: a strong authentication is good for 180 days
_NAMESPACE = uuid.UUID("6f1c2e9a-3b7d-4c55-9a0e-2f8b1d4c7e10")

PROVIDERS = [
    {"id": 574, "name": "Demo Bank", "country_code": "FR", "capabilities": ["aggregation"]},
    {"id": 6, "name": "BNP Paribas", "country_code": "FR",
     "capabilities": ["aggregation", "single_payment"]},
    {"id": 9, "name": "Crédit Agricole", "country_code": "FR", "capabilities": ["aggregation"]},
    {"id": 13, "name": "Société Générale", "country_code": "FR",
     "capabilities": ["aggregation"]},
    {"id": 179, "name": "Qonto", "country_code": "FR", "capabilities": ["aggregation"]},
    {"id": 7001, "name": "Virement Express", "country_code": "FR",
     "capabilities": ["single_payment"]},  # payment only: not a bank one can sync
    {"id": 250, "name": "Deutsche Bank", "country_code": "DE", "capabilities": ["aggregation"]},
    {"id": 320, "name": "BBVA", "country_code": "ES", "capabilities": ["aggregation"]},
]  # fmt: skip

_CUSTOMERS = ("ACME SARL", "DUPONT ET FILS", "BOULANGERIE MARTIN", "SAS LUMIERE",
              "GARAGE DU CENTRE", "CABINET LEROY")  # fmt: skip
_SUPPLIERS = ("OVH SAS", "ORANGE BUSINESS", "BUREAU VALLEE", "TRANSPORTS DURAND")
# (weight, operation_type, sign, bank text, cleaned text, lowest cents, highest cents)
_KINDS = (
    (30, "transfer", 1, "VIR SEPA RECU /DE {c} /MOTIF FA-{y}-{n:04d}", "Virement {C}",
     5000, 500000),
    (10, "direct_debit", -1, "PRLV SEPA EDF /REF {r}", "Edf", 4000, 40000),
    (6, "direct_debit", -1, "PRLV SEPA URSSAF /REF {r}", "Urssaf", 20000, 300000),
    (20, "card", -1, "CB CARREFOUR {dd}/{mm}", "Carrefour", 299, 20000),
    (8, "card", -1, "CB TOTALENERGIES {dd}/{mm}", "Totalenergies", 2000, 12000),
    (12, "transfer", -1, "VIR SEPA EMIS /A {s} /MOTIF {r}", "Virement {S}", 3000, 250000),
    (4, "bank_fees", -1, "FRAIS TENUE DE COMPTE", "Frais bancaires", 500, 3000),
    (5, "check", 1, "REMISE CHEQUE N {n:07d}", "Remise de chèque", 1000, 150000),
)  # fmt: skip


def _error(status: int, code: str, message: str, prop: str = "") -> Response:
    body = {"code": code, "message": message}
    if prop:
        body["property"] = prop
    return Response(status, body)


def _iso(moment: float) -> str:
    stamp = dt.datetime.fromtimestamp(moment, dt.UTC).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def french_iban(seed: int) -> str:
    """A French IBAN with a correct checksum, derived from ``seed``."""
    bban = f"30004{seed % 100000:05d}{seed:011d}"[-21:] + f"{seed % 97:02d}"
    digits = "".join(str(int(ch, 36)) for ch in bban + "FR00")
    return f"FR{98 - int(digits) % 97:02d}{bban}"


class FakeBridge(FakeApp):
    """Bridge v3 for one application; see the module docstring."""

    def __init__(
        self,
        client_id: str = "bankrec-test-client",
        client_secret: str = "bridge-secret-4f9c2d7e1a",
        *,
        clock: Callable[[], float] = time.time,
        token_ttl: float = 7200.0,
        providers: Iterable[dict[str, Any]] = PROVIDERS,
    ) -> None:
        super().__init__()
        self.client_id = client_id
        self.client_secret = client_secret
        self.clock = clock
        self.token_ttl = token_ttl
        self.providers = sorted((dict(p) for p in providers), key=lambda p: int(p["id"]))
        self.users: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, tuple[str, float]] = {}  # token -> (user uuid, expiry)
        self.sessions: dict[str, dict[str, Any]] = {}
        self.items: dict[str, dict[str, Any]] = {}
        self.accounts: dict[str, dict[str, Any]] = {}
        self.rows: dict[str, list[dict[str, Any]]] = {}  # account id -> transactions
        self._sorted: dict[str, tuple[list[tuple[int, int]], list[dict[str, Any]]]] = {}
        self._serial = 0
        self._tx_serial = 33_000_191_000_000

    # -- helpers for tests ------------------------------------------------------------

    def approve(
        self,
        session_url_or_id: str,
        *,
        success: bool = True,
        step: str = "sync_error",
        accounts: Iterable[dict[str, Any]] | None = None,
    ) -> dict[str, str]:
        """The user logs in to the bank through Bridge Connect: creates the item and its
        accounts (by default a current account with an IBAN and a card account without
        one) and returns the query parameters Bridge adds to the callback URL."""
        with self.lock:
            session_id = session_url_or_id.rstrip("/").rsplit("/", 1)[-1]
            session = self.sessions[session_id]
            params = dict(parse_qsl(urlsplit(session.get("callback_url") or "").query))
            params.update(user_uuid=session["user_uuid"], source="connect")
            if session.get("context"):
                params["context"] = session["context"]
            if not success:
                params.update(success="false", step=step)
                return params
            item_id = session.get("item_id") or str(8_000_000 + self._next())
            self.items[item_id] = {
                "id": int(item_id),
                "user_uuid": session["user_uuid"],
                "provider_id": session.get("provider_id") or 574,
                "status": 0,
                "status_code_info": "OK",
                "status_code_description": None,
                "account_types": "payment",
                "last_successful_refresh": _iso(self.clock()),
                "authentication_expires_at": _iso(self.clock() + SCA_DAYS * 86400),
            }
            if not any(a["item_id"] == int(item_id) for a in self.accounts.values()):
                wanted: list[dict[str, Any]] = list(accounts) if accounts is not None else [
                    {"name": "Compte courant PRO", "type": "checking", "iban": None},
                    {"name": "Carte Visa Business", "type": "card", "iban": ""},
                ]  # fmt: skip
                for spec in wanted:
                    self._add_account(int(item_id), spec)
            params.update(item_id=item_id, success="true")
            return params

    def add_transactions(
        self,
        account_id: str | int,
        n: int,
        start_date: dt.date,
        seed: int,
        *,
        future_every: int = 20,
        deleted_every: int = 25,
    ) -> list[dict[str, Any]]:
        """Book ``n`` realistic transactions on ``account_id`` from ``start_date`` on,
        the same ones for the same arguments: about one in ``future_every`` is pending
        (``future``), one in ``deleted_every`` withdrawn (``deleted``), a few repeat the
        previous line exactly (two identical card payments on one day). Returns them,
        amounts as :class:`~decimal.Decimal`."""
        rng = random.Random(seed)
        weights = [k[0] for k in _KINDS]
        account = str(account_id)
        made: list[dict[str, Any]] = []
        day = start_date
        with self.lock:
            currency = self.accounts[account]["currency_code"]
            for i in range(n):
                if i and rng.random() < 0.45:
                    day += dt.timedelta(days=1)
                self._tx_serial += 1
                if made and rng.random() < 0.03:
                    row = dict(made[-1], id=self._tx_serial)
                else:
                    kind = rng.choices(_KINDS, weights)[0]
                    row = self._row(rng, kind, day, account, currency)
                    row["id"] = self._tx_serial
                row["future"] = rng.randrange(future_every) == 0 if future_every else False
                row["deleted"] = (not row["future"] and deleted_every > 0
                                  and rng.randrange(deleted_every) == 0)  # fmt: skip
                made.append(row)
            self.rows.setdefault(account, []).extend(made)
            self._sorted.pop(account, None)
        return [dict(r) for r in made]

    def booked(self, account_id: str | int) -> list[dict[str, Any]]:
        """The account's transactions a sync should return (neither future nor deleted)."""
        rows = self.rows.get(str(account_id), [])
        return [dict(r) for r in rows if not r["future"] and not r["deleted"]]

    def account_ids(self, item_id: str | int) -> list[str]:
        """The ids of the accounts of ``item_id``, in creation order."""
        return [k for k, a in self.accounts.items() if a["item_id"] == int(item_id)]

    def set_item_status(
        self, item_id: str | int, status: int, info: str = "", description: str = ""
    ) -> None:
        """Give the item a Bridge status (0 OK, 402, 429, 1003, 1010...)."""
        with self.lock:
            item = self.items[str(item_id)]
            item.update(status=status, status_code_info=info or None,
                        status_code_description=description or None)  # fmt: skip

    def require_sca(self, item_id: str | int) -> None:
        """The bank wants a new strong authentication: status 1010, ``otp_required``."""
        self.set_item_status(
            item_id,
            1010,
            "otp_required",
            "Please enter the strong "
            "authentication (SMS, notifications, etc.) provided by your bank.",
        )

    def expire_consent(self, item_id: str | int, days_ago: int = 1) -> None:
        """Move the item's SCA expiry (``authentication_expires_at``) into the past."""
        with self.lock:
            self.items[str(item_id)]["authentication_expires_at"] = _iso(
                self.clock() - days_ago * 86400
            )

    def delete_item(self, item_id: str | int) -> None:
        """The user revoked the connection: the item is gone."""
        with self.lock:
            self.items.pop(str(item_id), None)

    def expire_tokens(self) -> None:
        """Every user token issued so far ends now (the next call with one gets 401)."""
        with self.lock:
            now = self.clock()
            self.tokens = {t: (u, min(exp, now - 1)) for t, (u, exp) in self.tokens.items()}

    # -- the API ------------------------------------------------------------------------

    def route(self, request: Request) -> Response:
        if not request.headers.get("bridge-version"):
            return _error(400, "missing_header", "The Bridge-Version header is required",
                          "Bridge-Version")  # fmt: skip
        if (request.headers.get("client-id") != self.client_id
                or request.headers.get("client-secret") != self.client_secret):  # fmt: skip
            return _error(401, "invalid_client_credentials",
                          "client_id and client_secret are invalid")  # fmt: skip
        method, path = request.method, request.path.rstrip("/")
        if method == "GET" and path == "/v3/providers":
            return self._providers(request)
        if method == "POST" and path == "/v3/aggregation/users":
            return self._create_user(request)
        if method == "POST" and path == "/v3/aggregation/authorization/token":
            return self._token(request)
        user = self._bearer(request)
        if isinstance(user, Response):
            return user
        if method == "POST" and path == "/v3/aggregation/connect-sessions":
            return self._connect_session(request, user)
        if method == "GET" and path == "/v3/aggregation/items":
            mine = [self._item_view(i) for i in self.items.values() if i["user_uuid"] == user]
            return self._page(request, path, mine, [(int(i["id"]),) for i in mine])
        if method == "GET" and (m := re.fullmatch(r"/v3/aggregation/items/(\d+)", path)):
            item = self.items.get(m[1])
            if item is None or item["user_uuid"] != user:
                return _error(404, "not_found", "Item not found")
            return Response(200, self._item_view(item))
        if method == "GET" and path == "/v3/aggregation/accounts":
            return self._accounts(request, user)
        if method == "GET" and (m := re.fullmatch(r"/v3/aggregation/accounts/(\d+)", path)):
            account = self._account_of(user, m[1])
            return (
                Response(200, account) if account else _error(404, "not_found", "Account not found")
            )
        if method == "GET" and path == "/v3/aggregation/transactions":
            return self._transactions(request, user)
        return _error(404, "not_found", f"No route {method} {path}")

    def _providers(self, request: Request) -> Response:
        country = request.query.get("country_code", "").upper()
        rows = [p for p in self.providers if not country or p["country_code"] == country]
        return self._page(request, "/v3/providers", rows, [(int(p["id"]),) for p in rows])

    def _create_user(self, request: Request) -> Response:
        body = request.json() or {}
        external = body.get("external_user_id")
        if external and any(u["external_user_id"] == external for u in self.users.values()):
            return _error(409, "conflict", f"User with external_user_id {external} exists")
        uid = str(uuid.uuid5(_NAMESPACE, f"user-{self._next()}"))
        self.users[uid] = {"uuid": uid, "external_user_id": external}
        return Response(201, dict(self.users[uid]))

    def _token(self, request: Request) -> Response:
        body = request.json() or {}
        if body.get("user_uuid"):
            user = self.users.get(str(body["user_uuid"]))
        else:
            ext = body.get("external_user_id")
            user = next((u for u in self.users.values()
                         if ext and u["external_user_id"] == ext), None)  # fmt: skip
        if user is None:
            return _error(404, "not_found", "User not found")
        token = f"bt-{uuid.uuid5(_NAMESPACE, f'token-{self._next()}').hex}"
        expires = self.clock() + self.token_ttl
        self.tokens[token] = (user["uuid"], expires)
        return Response(200, {"access_token": token, "expires_at": _iso(expires),
                              "user": dict(user)})  # fmt: skip

    def _bearer(self, request: Request) -> str | Response:
        header = request.headers.get("authorization", "")
        token = header[7:] if header.lower().startswith("bearer ") else ""
        if token not in self.tokens:
            return _error(401, "invalid_token", "A valid user access token is required")
        user, expires = self.tokens[token]
        if expires <= self.clock():
            return _error(401, "expired_token", "The access token has expired")
        return user

    def _connect_session(self, request: Request, user: str) -> Response:
        body = request.json() or {}
        if not body.get("user_email") and not body.get("item_id"):
            return _error(400, "invalid_parameter", "user_email is required", "user_email")
        context = body.get("context")
        if context is not None and not re.fullmatch(r"[A-Za-z0-9-]{1,100}", str(context)):
            return _error(400, "invalid_parameter", "context must be at most 100 letters, "
                          "digits or hyphens", "context")  # fmt: skip
        session_id = str(uuid.uuid5(_NAMESPACE, f"session-{self._next()}"))
        self.sessions[session_id] = {"id": session_id, "user_uuid": user, **body}
        return Response(201, {"id": session_id, "url": CONNECT_URL + session_id})

    def _item_view(self, item: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in item.items() if k != "user_uuid"}

    def _account_of(self, user: str, account_id: str) -> dict[str, Any] | None:
        account = self.accounts.get(account_id)
        item = self.items.get(str(account["item_id"])) if account else None
        return account if item is not None and item["user_uuid"] == user else None

    def _accounts(self, request: Request, user: str) -> Response:
        wanted = request.query.get("item_id")
        rows = [a for a in self.accounts.values()
                if self._account_of(user, str(a["id"])) is not None
                and (not wanted or str(a["item_id"]) == wanted)]  # fmt: skip
        return self._page(request, "/v3/aggregation/accounts", rows, [(a["id"],) for a in rows])

    def _transactions(self, request: Request, user: str) -> Response:
        q = request.query
        if q.get("account_id"):
            if self._account_of(user, q["account_id"]) is None:
                return _error(404, "not_found", "Account not found")
            keys, rows = self._ordered(q["account_id"])
        else:
            mine = [a for a in self.accounts if self._account_of(user, a) is not None]
            both = sorted((k, r) for a in mine for k, r in zip(*self._ordered(a), strict=True))
            keys, rows = [k for k, _ in both], [r for _, r in both]
        low, high = q.get("min_date", ""), q.get("max_date", "")
        since = q.get("since", "")
        return self._page(request, "/v3/aggregation/transactions", rows, keys,
                          keep=lambda r: (r["date"] <= high if high else True)
                          and (r["updated_at"] >= since if since else True),
                          stop=lambda r: bool(low) and r["date"] < low,
                          view=_transaction_view)  # fmt: skip

    def _ordered(self, account: str) -> tuple[list[tuple[int, int]], list[dict[str, Any]]]:
        """The account's rows newest first (as Bridge lists them), with their sort keys."""
        if account not in self._sorted:
            rows = sorted(self.rows.get(account, []), key=_tx_key)
            self._sorted[account] = ([_tx_key(r) for r in rows], rows)
        return self._sorted[account]

    def _page(
        self,
        request: Request,
        path: str,
        rows: list[dict[str, Any]],
        keys: list[Any],
        *,
        keep: Callable[[dict[str, Any]], bool] = lambda r: True,
        stop: Callable[[dict[str, Any]], bool] = lambda r: False,
        view: Callable[[dict[str, Any]], dict[str, Any]] = dict,
    ) -> Response:
        """One page of ``rows`` (sorted by ``keys``) after the ``after`` cursor."""
        try:
            limit = int(request.query.get("limit", DEFAULT_LIMIT))
        except ValueError:
            limit = -1
        if not 1 <= limit <= MAX_LIMIT:
            return _error(400, "invalid_parameter", f"limit must be between 1 and {MAX_LIMIT}",
                          "limit")  # fmt: skip
        start = 0
        if request.query.get("after"):
            try:
                cursor = tuple(int(part) for part in request.query["after"].split("_"))
            except ValueError:
                return _error(400, "invalid_parameter", "after is not a valid cursor", "after")
            start = bisect.bisect_right(keys, cursor)
        page: list[dict[str, Any]] = []
        last, more = None, False
        for index in range(start, len(rows)):
            row = rows[index]
            if stop(row):
                break
            if not keep(row):
                continue
            if len(page) == limit:
                more = True
                break
            page.append(view(row))
            last = keys[index]
        next_uri = None
        if more and last is not None:
            query = {k: v for k, v in request.query.items() if k != "after"}
            query.update(limit=str(limit), after="_".join(str(part) for part in last))
            next_uri = f"{path}?{urlencode(query)}"
        return Response(200, {"resources": page, "pagination": {"next_uri": next_uri}})

    # -- building data ------------------------------------------------------------------

    def _next(self) -> int:
        self._serial += 1
        return self._serial

    def _add_account(self, item_id: int, spec: dict[str, Any]) -> None:
        account_id = 40_000_000 + self._next()
        iban = spec.get("iban")
        self.accounts[str(account_id)] = {
            "id": account_id,
            "item_id": item_id,
            "name": spec.get("name", "Compte courant"),
            "type": spec.get("type", "checking"),
            "currency_code": spec.get("currency_code", "EUR"),
            "iban": french_iban(account_id) if iban is None else (iban or None),
            "balance": float(spec.get("balance", Decimal("12345.67"))),
            "instant_balance": float(spec.get("balance", Decimal("12345.67"))),
            "accounting_balance": None,
            "data_access": spec.get("data_access", "enabled"),
            "provider_id": self.items[str(item_id)]["provider_id"],
            "updated_at": _iso(self.clock()),
        }

    def _row(self, rng: random.Random, kind: tuple[Any, ...], day: dt.date, account: str,
             currency: str) -> dict[str, Any]:  # fmt: skip
        _weight, operation, sign, text, clean, low, high = kind
        customer, supplier = rng.choice(_CUSTOMERS), rng.choice(_SUPPLIERS)
        fields = {"c": customer, "C": customer.title(), "s": supplier, "S": supplier.title(),
                  "y": day.year, "n": rng.randrange(1, 9999), "dd": f"{day.day:02d}",
                  "mm": f"{day.month:02d}", "r": f"{rng.randrange(16**8):08X}"}  # fmt: skip
        value = day - dt.timedelta(days=rng.choice((0, 0, 0, 1, 2)))
        return {
            "clean_description": clean.format(**fields),
            "provider_description": text.format(**fields),
            "amount": Decimal(sign * rng.randrange(low, high)).scaleb(-2),
            "date": day.isoformat(),
            "booking_date": day.isoformat(),
            "transaction_date": value.isoformat(),
            "value_date": value.isoformat(),
            "updated_at": f"{day.isoformat()}T{rng.randrange(5, 22):02d}:"
            f"{rng.randrange(60):02d}:00.000Z",
            "currency_code": currency,
            "category_id": rng.choice((1, 79, 160, 183, 270)),
            "operation_type": operation,
            "account_id": int(account),
        }


def _tx_key(row: dict[str, Any]) -> tuple[int, int]:
    """Newest first, then highest id: Bridge's order, and our paging cursor."""
    return (-dt.date.fromisoformat(row["date"]).toordinal(), -int(row["id"]))


def _transaction_view(row: dict[str, Any]) -> dict[str, Any]:
    """A stored row as Bridge sends it: the amount as a JSON number."""
    return {**row, "amount": float(row["amount"])}
