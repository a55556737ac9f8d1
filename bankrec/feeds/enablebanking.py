"""Enable Banking: bank feeds through its REST API (https://enablebanking.com/docs/api/).

The flow the API reference describes, one method each:

* :meth:`~EnableBankingProvider.banks` -- ``GET /aspsps?country=`` (the banks, with the
  longest consent each grants);
* :meth:`~EnableBankingProvider.connect` -- ``POST /auth``: a consent valid ``valid_days``
  (capped by the bank's ``maximum_consent_validity``), the redirect URL and our ``state``;
  the user gives consent at the returned URL and comes back with ``code`` and ``state``;
* :meth:`~EnableBankingProvider.complete` -- checks the returned ``state``, reports a
  refusal (``error``/``error_description``), then ``POST /sessions {code}``: the session
  id (what we store), its accounts and the consent's end;
* :meth:`~EnableBankingProvider.transactions` -- ``GET /accounts/{uid}/transactions``
  from ``date_from``, following ``continuation_key`` until the API gives none. Only
  booked transactions (``BOOK``) are returned; pending ones (``PDNG``) are skipped, since
  their amount and text may change and they carry no entry reference yet: they arrive in a
  later sync once booked.

Every request carries a JWT signed with the application's private key
(:mod:`~bankrec.feeds.enablebanking_jwt`); the JSON becomes plain data in
:mod:`~bankrec.feeds.enablebanking_map`. A session that expired, was revoked or closed is
a :class:`~bankrec.feeds.errors.ConsentExpiredError` telling the user to connect the bank
again; the key never appears in a message.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import requests

from bankrec.feeds.enablebanking_jwt import JwtSigner, read_private_key
from bankrec.feeds.enablebanking_map import (
    TransactionMapper,
    account_from,
    balance_from,
    bank_from,
    is_booked,
    parse_datetime,
)
from bankrec.feeds.errors import ConsentExpiredError, FeedAuthError, FeedConfigError, FeedError
from bankrec.feeds.http import FeedHttp
from bankrec.feeds.provider import (
    Bank,
    Connection,
    ConsentLink,
    ConsentStatus,
    FeedAccount,
    FeedBalance,
)
from bankrec.model import Transaction

NAME = "enablebanking"
DEFAULT_BASE_URL = "https://api.enablebanking.com"
PSU_TYPES = ("business", "personal")
SETTINGS = {
    "application_id": "the application id of the Enable Banking control panel (the JWT's kid)",
    "private_key": "the application's private key, PEM text "
    "(optional when private_key_file is given)",
    "private_key_file": "optional: path of the application's private key file (PEM), "
    "instead of private_key",
    "base_url": f"optional: the API's address (default {DEFAULT_BASE_URL})",
    "psu_type": "optional: business (default) or personal, the kind of bank customer",
}
# groups of settings; each group needs one of its settings set
REQUIRED = (("application_id",), ("private_key_file", "private_key"))

# the API's error codes for a session that can no longer fetch, and how to say it
CONSENT_ENDED = {
    "EXPIRED_SESSION": "has expired",
    "REVOKED_SESSION": "was revoked at the bank",
    "CLOSED_SESSION": "was closed",
}
# session statuses (GET /sessions/{id}) that will not fetch again, in words
SESSION_ENDED = {
    "EXPIRED": "expired",
    "REVOKED": "revoked",
    "CLOSED": "closed",
    "CANCELLED": "cancelled",
    "INVALID": "invalid",
}
RECONNECT = "connect the bank again to renew it"
CLOCK_MARGIN = dt.timedelta(minutes=10)


def from_settings(settings: Mapping[str, str], **http_options: Any) -> EnableBankingProvider:
    """The provider from its :data:`SETTINGS`; ``http_options`` go to :class:`FeedHttp`
    (``base_url`` given there wins over the setting)."""
    application_id = (settings.get("application_id") or "").strip()
    if not application_id:
        raise FeedConfigError("enablebanking: the setting application_id is missing")
    pem = settings.get("private_key") or ""
    if not pem.strip():
        path = (settings.get("private_key_file") or "").strip()
        if not path:
            raise FeedConfigError(
                "enablebanking: no private key: set private_key (the PEM text) "
                "or private_key_file (its path)"
            )
        pem = read_private_key(path)
    options = dict(http_options)
    options.setdefault("base_url", (settings.get("base_url") or "").strip() or DEFAULT_BASE_URL)
    psu_type = (settings.get("psu_type") or "").strip().lower() or "business"
    return EnableBankingProvider(application_id, pem, psu_type=psu_type, **options)


def classify(response: requests.Response) -> FeedError | None:
    """The precise error of an Enable Banking error answer (its ``error`` code), if any."""
    try:
        body = response.json()
    except ValueError:
        return None
    code = body.get("error") if isinstance(body, dict) else None
    if code in CONSENT_ENDED:
        return ConsentExpiredError(
            f"enablebanking: the bank consent {CONSENT_ENDED[code]}; {RECONNECT}"
        )
    if response.status_code == 401:
        said = body.get("message") if isinstance(body, dict) else None
        reason = " ".join(str(said or "unauthorized").split())[:200]
        return FeedAuthError(
            f"enablebanking: Enable Banking refused the application's signed token "
            f"({code or 'HTTP 401'}: {reason}); check the application id, "
            "the private key and this machine's clock"
        )
    return None


class EnableBankingProvider:
    """:class:`~bankrec.feeds.provider.FeedProvider` over Enable Banking's API."""

    name = NAME

    def __init__(
        self,
        application_id: str,
        private_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        psu_type: str = "business",
        token_lifetime: int = 3600,
        clock: Callable[[], float] | None = None,
        **http_options: Any,
    ) -> None:
        if psu_type not in PSU_TYPES:
            raise FeedConfigError(
                f"enablebanking: psu_type must be business or personal, not {psu_type!r}"
            )
        self.psu_type = psu_type
        if clock is not None:
            http_options["clock"] = clock
        self.signer = JwtSigner(
            application_id, private_key, lifetime=token_lifetime, clock=clock or time.time
        )
        self.http = FeedHttp(
            base_url,
            provider=NAME,
            headers=self.signer.headers,
            refresh=self._new_token,
            classify=classify,
            secrets=self.signer.secrets,
            **http_options,
        )

    # ---- banks and consent ----------------------------------------------------------

    def banks(self, country: str) -> list[Bank]:
        """The banks of ``country`` that accept our kind of customer (``psu_type``)."""
        code = country.strip().upper()
        if len(code) != 2 or not code.isalpha():
            raise FeedError(f"enablebanking: {country!r} is not a two-letter country code")
        body = self.http.get("/aspsps", params={"country": code, "psu_type": self.psu_type})
        found = [bank_from(a) for a in _list(body, "aspsps") if isinstance(a, dict)]
        return sorted((b for b in found if b.name), key=lambda b: b.name.casefold())

    def connect(
        self, bank: Bank, *, redirect_url: str, state: str, valid_days: int = 90
    ) -> ConsentLink:
        """Start a read-only consent of ``valid_days`` (at most what the bank grants)."""
        if valid_days < 1:
            raise FeedError("enablebanking: a consent must be valid for at least one day")
        max_days = bank.max_consent_days
        if max_days is None:
            max_days = self._find_bank(bank).max_consent_days
        now = dt.datetime.fromtimestamp(self.http.clock(), dt.UTC)
        until = now + dt.timedelta(days=valid_days)
        if max_days and valid_days >= max_days:
            # the bank's maximum, less a margin so a clock a little ahead of the API's
            # never asks for more than it grants
            until = now + dt.timedelta(days=max_days) - CLOCK_MARGIN
        body = {
            "access": {"valid_until": until.isoformat()},
            "aspsp": {"name": bank.id or bank.name, "country": bank.country},
            "state": state,
            "redirect_url": redirect_url,
            "psu_type": self.psu_type,
        }
        answer = _obj(self.http.post("/auth", json=body))
        url = answer.get("url")
        if not isinstance(url, str) or not url:
            raise FeedError("enablebanking: POST /auth answered without a consent URL")
        return ConsentLink(url=url, state=state, provider=NAME,
                           reference=str(answer.get("authorization_id") or ""))  # fmt: skip

    def complete(self, link: ConsentLink, params: dict[str, str]) -> Connection:
        """The connection from the redirect's query parameters (``code``, ``state``)."""
        state = params.get("state", "")
        error = " ".join(params.get("error", "").split())[:80]
        if error and state in ("", link.state):
            said = " ".join((params.get("error_description") or "").split())[:200]
            raise FeedError(
                f"enablebanking: the bank did not grant access ({error}"
                + (f": {said}" if said else "") + "); nothing was connected"
            )  # fmt: skip
        if state != link.state:
            raise FeedError(
                "enablebanking: the redirect's state does not match this consent link "
                "(an old or foreign link); start the connection again"
            )
        code = params.get("code", "")
        if not code:
            raise FeedError("enablebanking: the redirect carries no authorisation code")
        session = _obj(self.http.post("/sessions", json={"code": code}))
        session_id = session.get("session_id")
        if not isinstance(session_id, str) or not session_id:
            raise FeedError("enablebanking: POST /sessions answered without a session id")
        aspsp = _obj(session.get("aspsp"))
        accounts = [account_from(a) for a in _list(session, "accounts") if isinstance(a, dict)]
        return Connection(
            provider=NAME,
            id=session_id,
            bank=str(aspsp.get("name") or ""),
            valid_until=parse_datetime(_obj(session.get("access")).get("valid_until")),
            accounts=tuple(a for a in accounts if a is not None),
            data={"country": str(aspsp.get("country") or ""), "psu_type": self.psu_type},
        )

    def consent_status(self, connection: Connection) -> ConsentStatus:
        """Whether the session is ``AUTHORIZED`` and not past its ``valid_until``."""
        try:
            session = self._session(connection)
        except ConsentExpiredError as exc:
            return ConsentStatus(valid=False, valid_until=connection.valid_until, detail=str(exc))
        status = str(session.get("status") or "")
        until = parse_datetime(_obj(session.get("access")).get("valid_until"))
        until = until or connection.valid_until
        now = dt.datetime.fromtimestamp(self.http.clock(), dt.UTC)
        on = f" on {until.date().isoformat()}" if until else ""
        if status == "AUTHORIZED" and (until is None or until > now):
            return ConsentStatus(True, until, f"authorized until {until.date()}" if until
                                 else "authorized")  # fmt: skip
        if status == "AUTHORIZED" or status == "EXPIRED":
            return ConsentStatus(False, until, f"expired{on}; {RECONNECT}")
        word = SESSION_ENDED.get(status, status.lower().replace("_", " ") or "unknown")
        return ConsentStatus(False, until, f"{word}; {RECONNECT}")

    # ---- accounts and their data ----------------------------------------------------

    def accounts(self, connection: Connection) -> list[FeedAccount]:
        """The session's accounts (IBAN and currency from the connection, else from
        ``GET /accounts/{uid}/details``)."""
        session = self._session(connection)
        status = str(session.get("status") or "")
        if status != "AUTHORIZED":
            word = SESSION_ENDED.get(status, status.lower() or "not authorized")
            raise ConsentExpiredError(f"enablebanking: the bank consent is {word}; {RECONNECT}")
        known = {a.id: a for a in connection.accounts}
        found: list[FeedAccount] = []
        for uid in _list(session, "accounts"):
            if not isinstance(uid, str) or not uid:
                continue
            account = known.get(uid)
            if account is None:
                details = _obj(self.http.get(f"/accounts/{uid}/details"))
                account = account_from({"uid": uid, **details})
            if account is not None:
                found.append(account)
        return found

    def balances(self, connection: Connection, account: FeedAccount) -> list[FeedBalance]:
        """The balances the bank states for ``account`` (CLBD, ITAV...)."""
        body = self.http.get(f"/accounts/{account.id}/balances")
        return [balance_from(b) for b in _list(body, "balances") if isinstance(b, dict)]

    def transactions(
        self, connection: Connection, account: FeedAccount, since: dt.date | None = None
    ) -> Iterator[Transaction]:
        """The booked transactions of ``account`` from ``since`` (inclusive), every page
        followed; pending ones (``PDNG``) are skipped (see the module's docstring)."""
        mapper = TransactionMapper(account)
        params: dict[str, str] = {}
        if since is not None:
            params["date_from"] = since.isoformat()
        seen_keys: set[str] = set()
        while True:
            page = self.http.get(f"/accounts/{account.id}/transactions", params=params)
            for data in _list(page, "transactions"):
                if isinstance(data, dict) and is_booked(data):
                    yield mapper.transaction(data)
            key = _obj(page).get("continuation_key")
            if not isinstance(key, str) or not key:
                return
            if key in seen_keys:
                raise FeedError(
                    "enablebanking: the API repeated a continuation key; stopped paging "
                    "rather than loop (run the sync again)"
                )
            seen_keys.add(key)
            params = {**params, "continuation_key": key}

    # ---- helpers --------------------------------------------------------------------

    def _new_token(self) -> None:
        """After a 401: sign a fresh token (the API may have judged ours too old)."""
        self.signer.renew()

    def _session(self, connection: Connection) -> dict[str, Any]:
        return _obj(self.http.get(f"/sessions/{connection.id}"))

    def _find_bank(self, wanted: Bank) -> Bank:
        """``wanted`` as the API lists it (for its maximum consent), by name."""
        name = (wanted.id or wanted.name).casefold()
        for candidate in self.banks(wanted.country):
            if candidate.name.casefold() == name:
                return candidate
        raise FeedError(
            f"enablebanking: no bank named {wanted.id or wanted.name!r} in "
            f"{wanted.country.upper()} (list them with: bankrec feed banks --country "
            f"{wanted.country.upper()})"
        )


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any, key: str) -> list[Any]:
    found = _obj(value).get(key)
    return found if isinstance(found, list) else []
