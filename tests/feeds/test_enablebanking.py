"""The Enable Banking provider through its real requests-based client, against the fake API
over HTTP (bankrec.feeds.fakes.enablebanking): banks, consent, signed tokens, paging,
booked-only transactions with the camt importer's ids, rate limits and ended consents.
The clock is injected (shared by the client and the fake) and sleeping is recorded, so
nothing here waits or depends on today's date."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bankrec.feeds.enablebanking import EnableBankingProvider, from_settings
from bankrec.feeds.errors import (
    ConsentExpiredError,
    FeedAuthError,
    FeedConfigError,
    FeedError,
    ProviderError,
)
from bankrec.feeds.fakes.enablebanking import (
    DEFAULT_APP_ID,
    DEFAULT_IBAN,
    FakeEnableBanking,
    generate_private_key_pem,
    public_key_pem,
)
from bankrec.feeds.fakes.server import FakeApp, FakeServer, Request, Response
from bankrec.feeds.provider import Bank, Connection, ConsentLink, FeedAccount, FeedProvider
from bankrec.feeds.registry import make_provider
from bankrec.model import Transaction
from bankrec.statements.loader import load_transactions

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
START = dt.date(2026, 10, 1)
REDIRECT = "https://erp.example.com/bank/callback"


@dataclass
class Clock:
    """The time both the client and the fake see; tests move it."""

    now: float = NOW.timestamp()

    def __call__(self) -> float:
        return self.now


@dataclass
class Sleeps:
    waits: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


class Current(FakeApp):
    """Forwards to the current test's fake, so one server serves the whole module (stopping
    a server takes half a second)."""

    def __init__(self) -> None:
        super().__init__()
        self.app: FakeApp = FakeApp()

    def dispatch(self, request: Request) -> Response | None:
        return self.app.dispatch(request)


@pytest.fixture(scope="module")
def key() -> str:
    return generate_private_key_pem()


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[Current, str]]:
    current = Current()
    with FakeServer(current) as running:
        yield current, running.url


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def fake(server: tuple[Current, str], key: str, clock: Clock) -> FakeEnableBanking:
    current, _ = server
    current.app = made = FakeEnableBanking(public_key_pem(key), page_size=40, clock=clock)
    return made


@pytest.fixture
def provider(
    server: tuple[Current, str], fake: FakeEnableBanking, key: str, clock: Clock, sleeps: Sleeps
) -> EnableBankingProvider:
    _, url = server
    settings = {"application_id": DEFAULT_APP_ID, "private_key": key}
    return from_settings(settings, base_url=url, clock=clock, sleep=sleeps)


def connect(
    provider: EnableBankingProvider,
    fake: FakeEnableBanking,
    bank: str = "BNP Paribas",
    valid_days: int = 90,
) -> tuple[ConsentLink, Connection]:
    """Start a consent, let the fake user approve it, complete it."""
    chosen = next(b for b in provider.banks("FR") if b.name == bank)
    link = provider.connect(chosen, redirect_url=REDIRECT, state="st-42", valid_days=valid_days)
    return link, provider.complete(link, fake.redirect_params(link.url))


def fetch(
    provider: EnableBankingProvider, connection: Connection, since: dt.date | None = START
) -> list[Transaction]:
    return list(provider.transactions(connection, connection.accounts[0], since=since))


def signed(data: dict[str, Any]) -> Decimal:
    amount = Decimal(data["transaction_amount"]["amount"])
    return amount if data["credit_debit_indicator"] == "CRDT" else -amount


# ---- settings ----------------------------------------------------------------------------


def test_the_registry_makes_the_provider_and_it_speaks_the_protocol(
    server: tuple[Current, str], fake: FakeEnableBanking, key: str, clock: Clock
) -> None:
    made = make_provider("enablebanking", {"application_id": DEFAULT_APP_ID, "private_key": key},
                         base_url=server[1], clock=clock)  # fmt: skip
    assert isinstance(made, EnableBankingProvider) and isinstance(made, FeedProvider)
    assert [b.country for b in made.banks("BE")] == ["BE", "BE"]


def test_the_key_may_come_from_a_file(
    server: tuple[Current, str], fake: FakeEnableBanking, key: str, clock: Clock, tmp_path: Path
) -> None:
    path = tmp_path / "app.pem"
    path.write_text(key)
    settings = {"application_id": DEFAULT_APP_ID, "private_key_file": str(path)}
    made = from_settings(settings, base_url=server[1], clock=clock)
    assert made.banks("DE")[0].name == "Commerzbank"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"private_key": "x"}, "application_id is missing"),
        ({"application_id": "app"}, "no private key"),
        ({"application_id": "app", "private_key_file": "/nonexistent/app.pem"}, "not found"),
        ({"application_id": "app", "private_key": "-----BEGIN PRIVATE KEY-----\nMIIsecretbody"
          "0123456789abcdef\n-----END PRIVATE KEY-----\n"}, "not a PEM private key"),
    ],
    ids=["no-application-id", "no-key", "missing-key-file", "not-a-key"],
)  # fmt: skip
def test_wrong_settings_are_one_clear_line_without_the_key(
    settings: dict[str, str], expected: str
) -> None:
    with pytest.raises(FeedConfigError) as caught:
        from_settings(settings)
    message = str(caught.value)
    assert expected in message and "\n" not in message
    assert "MIIsecretbody" not in message


def test_an_unknown_psu_type_is_refused(key: str) -> None:
    with pytest.raises(FeedConfigError, match="business or personal"):
        from_settings({"application_id": "app", "private_key": key, "psu_type": "retail"})


# ---- banks and consent -------------------------------------------------------------------


def test_banks_are_listed_per_country_with_their_longest_consent(
    provider: EnableBankingProvider, fake: FakeEnableBanking
) -> None:
    french = provider.banks("fr")
    assert [b.name for b in french] == ["BNP Paribas", "Crédit Agricole", "Société Générale"]
    assert {b.country for b in french} == {"FR"}
    bnp = french[0]
    assert (bnp.id, bnp.bic, bnp.max_consent_days) == ("BNP Paribas", "BNPAFRPP", 180)
    assert [b.name for b in provider.banks("DE")] == ["Commerzbank", "Deutsche Bank"]
    assert fake.log[-1].query == {"country": "DE", "psu_type": "business"}


def test_a_country_that_is_not_a_code_is_refused_before_any_call(
    provider: EnableBankingProvider, fake: FakeEnableBanking
) -> None:
    with pytest.raises(FeedError, match="two-letter country code"):
        provider.banks("France")
    assert fake.calls() == 0


def test_connect_approve_complete_gives_the_session_its_accounts_and_its_end(
    provider: EnableBankingProvider, fake: FakeEnableBanking
) -> None:
    link, connection = connect(provider, fake, valid_days=90)
    assert link.url.startswith("http://127.0.0.1") and link.state == "st-42"
    assert link.reference in fake.authorizations
    auth = fake.authorizations[link.reference]
    assert (auth.redirect_url, auth.state, auth.psu_type) == (REDIRECT, "st-42", "business")
    assert connection.provider == "enablebanking" and connection.id in fake.sessions
    assert connection.bank == "BNP Paribas"
    assert connection.valid_until == NOW + dt.timedelta(days=90)
    [account] = connection.accounts
    assert (account.iban, account.currency) == (DEFAULT_IBAN, "EUR")
    assert account.id in fake.sessions[connection.id].accounts


def test_consent_days_are_capped_by_the_banks_maximum(
    provider: EnableBankingProvider, fake: FakeEnableBanking
) -> None:
    # Crédit Agricole grants 90 days at most: asking 180 must not be refused by the API
    _, connection = connect(provider, fake, bank="Crédit Agricole", valid_days=180)
    assert connection.valid_until is not None
    granted = connection.valid_until - NOW
    assert dt.timedelta(days=89) < granted <= dt.timedelta(days=90)


def test_a_bank_given_by_name_only_is_looked_up_for_its_maximum(
    provider: EnableBankingProvider, fake: FakeEnableBanking
) -> None:
    bank = Bank(id="KBC", name="KBC", country="BE")  # no max_consent_days: as typed by a user
    link = provider.connect(bank, redirect_url=REDIRECT, state="s", valid_days=365)
    auth = fake.authorizations[link.reference]
    assert auth.valid_until <= NOW + dt.timedelta(days=90)
    with pytest.raises(FeedError, match="no bank named 'Nowhere Bank' in BE"):
        provider.connect(Bank(id="Nowhere Bank", name="", country="BE"),
                         redirect_url=REDIRECT, state="s")  # fmt: skip


def test_an_error_answer_of_the_api_names_it(
    provider: EnableBankingProvider, fake: FakeEnableBanking
) -> None:
    bank = Bank(id="Nowhere Bank", name="Nowhere Bank", country="FR", max_consent_days=90)
    with pytest.raises(ProviderError) as caught:
        provider.connect(bank, redirect_url=REDIRECT, state="s")
    assert "POST /auth: HTTP 422: Wrong ASPSP name provided" in str(caught.value)


def test_a_redirect_with_another_state_is_refused_and_connects_nothing(
    provider: EnableBankingProvider, fake: FakeEnableBanking
) -> None:
    bank = provider.banks("FR")[0]
    link = provider.connect(bank, redirect_url=REDIRECT, state="st-42")
    params = {**fake.redirect_params(link.url), "state": "st-forged"}
    with pytest.raises(FeedError, match="state does not match"):
        provider.complete(link, params)
    assert fake.calls("POST", "/sessions") == 0 and not fake.sessions


def test_the_banks_refusal_on_the_redirect_is_one_clear_line(
    provider: EnableBankingProvider, fake: FakeEnableBanking
) -> None:
    link = provider.connect(provider.banks("FR")[0], redirect_url=REDIRECT, state="st-42")
    params = fake.refusal_params(link.url, "access_denied", "The user cancelled\nthe consent")
    with pytest.raises(FeedError) as caught:
        provider.complete(link, params)
    message = str(caught.value)
    assert "did not grant access (access_denied: The user cancelled the consent)" in message
    assert "\n" not in message and not fake.sessions


def test_a_code_used_twice_is_refused_by_the_api(
    provider: EnableBankingProvider, fake: FakeEnableBanking
) -> None:
    link, _ = connect(provider, fake)
    with pytest.raises(ProviderError, match="HTTP 422: Session is already authorized"):
        provider.complete(link, fake.redirect_params(link.url))


# ---- the signed token --------------------------------------------------------------------


def test_a_token_signed_with_another_key_is_refused_without_showing_the_key(
    server: tuple[Current, str], fake: FakeEnableBanking, clock: Clock
) -> None:
    other = generate_private_key_pem()
    made = from_settings({"application_id": DEFAULT_APP_ID, "private_key": other},
                         base_url=server[1], clock=clock)  # fmt: skip
    with pytest.raises(FeedAuthError) as caught:
        made.banks("FR")
    message = str(caught.value)
    assert "refused the application's signed token" in message and "\n" not in message
    body_lines = [ln for ln in other.splitlines() if not ln.startswith("-----")]
    assert not any(line in message for line in body_lines)
    assert fake.calls("GET", "/aspsps") == 2  # one fresh token tried after the 401


def test_a_server_quoting_the_private_key_has_it_redacted(
    provider: EnableBankingProvider, fake: FakeEnableBanking, key: str
) -> None:
    lines = key.splitlines()[2:4]
    fake.fail_next(400, body={"message": f"cannot use {lines[0]} nor {lines[1]}"})
    with pytest.raises(ProviderError) as caught:
        provider.banks("FR")
    message = str(caught.value)
    assert not any(line in message for line in lines)
    assert message.endswith("HTTP 400: cannot use [redacted] nor [redacted]")


def test_an_unknown_application_id_is_refused(
    server: tuple[Current, str], fake: FakeEnableBanking, key: str, clock: Clock
) -> None:
    made = from_settings({"application_id": "someone-else", "private_key": key},
                         base_url=server[1], clock=clock)  # fmt: skip
    with pytest.raises(FeedAuthError, match="UNAUTHORIZED_ACCESS"):
        made.banks("FR")


def test_an_expired_token_is_refused_by_the_api(
    server: tuple[Current, str], fake: FakeEnableBanking, key: str
) -> None:
    # this client's clock is two hours behind the API's: its one-hour tokens are expired
    late = Clock(NOW.timestamp() - 7200)
    made = from_settings({"application_id": DEFAULT_APP_ID, "private_key": key},
                         base_url=server[1], clock=late)  # fmt: skip
    with pytest.raises(FeedAuthError):
        made.banks("FR")
    assert fake.log[-1].headers["authorization"].startswith("Bearer ")


def test_the_token_is_signed_anew_before_it_expires(
    provider: EnableBankingProvider, fake: FakeEnableBanking, clock: Clock
) -> None:
    provider.banks("FR")
    clock.now += 3600 - 60  # one minute left: too little for a long sync
    provider.banks("FR")
    clock.now += 5 * 3600
    provider.banks("FR")
    assert provider.signer.signed == 3
    assert fake.calls("GET", "/aspsps") == 3  # never refused, never retried


# ---- transactions ------------------------------------------------------------------------


@pytest.fixture
def generated(fake: FakeEnableBanking) -> list[dict[str, Any]]:
    made = fake.add_transactions(DEFAULT_IBAN, 230, START, seed=7, days=40)
    statuses = [t["status"] for t in made]
    unreferenced = [t for t in made if t["status"] == "BOOK" and "entry_reference" not in t]
    # what the tests below rely on: pending lines, lines without reference, repeats
    assert statuses.count("PDNG") >= 5 and len(unreferenced) >= 10
    assert len({tuple(sorted(map(str, t.items()))) for t in unreferenced}) < len(unreferenced)
    return made


def test_all_pages_are_followed_booked_only_with_signed_amounts(
    provider: EnableBankingProvider, fake: FakeEnableBanking, generated: list[dict[str, Any]]
) -> None:
    _, connection = connect(provider, fake)
    got = fetch(provider, connection)
    booked = fake.booked(DEFAULT_IBAN)
    assert (
        len(got) == len(booked) == len(generated) - [t["status"] for t in generated].count("PDNG")
    )
    assert fake.calls("GET", "/accounts/") == -(-len(generated) // 40)  # pages of 40
    assert [t.amount for t in got] == [signed(b) for b in booked]
    assert any(t.amount < 0 for t in got) and any(t.amount > 0 for t in got)
    for tx, data in zip(got, booked, strict=True):
        assert tx.date.isoformat() == data["booking_date"]
        assert tx.label == " ".join(data["remittance_information"])
        assert tx.account == DEFAULT_IBAN and tx.currency == "EUR"
        ref = data.get("entry_reference", "")
        assert tx.bank_reference == ref
        if ref:
            assert tx.id == f"{DEFAULT_IBAN}/{ref}"
        side = "debtor" if data["credit_debit_indicator"] == "CRDT" else "creditor"
        assert tx.counterparty == data.get(side, {}).get("name", "")
        assert tx.iban == data.get(f"{side}_account", {}).get("iban", "")


def test_ids_are_stable_and_an_overlapping_fetch_gives_the_same_ids(
    provider: EnableBankingProvider, fake: FakeEnableBanking, generated: list[dict[str, Any]]
) -> None:
    _, connection = connect(provider, fake)
    first = fetch(provider, connection)
    again = fetch(provider, connection)
    assert [t.id for t in again] == [t.id for t in first]
    assert len({t.id for t in first}) == len(first)  # repeats told apart by #2
    assert any("#" in t.id for t in first)
    middle = START + dt.timedelta(days=17)
    overlap = fetch(provider, connection, since=middle)
    assert overlap and [t.id for t in overlap] == [t.id for t in first if t.date >= middle]


def test_a_new_session_gives_the_same_ids(
    provider: EnableBankingProvider, fake: FakeEnableBanking, generated: list[dict[str, Any]]
) -> None:
    _, old = connect(provider, fake)
    _, new = connect(provider, fake)  # the user connected the bank again: new account uid
    assert old.accounts[0].id != new.accounts[0].id
    assert [t.id for t in fetch(provider, new)] == [t.id for t in fetch(provider, old)]


CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
 <BkToCstmrStmt>
  <GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-20T06:00:00+01:00</CreDtTm></GrpHdr>
  <Stmt>
   <Id>S1</Id><CreDtTm>2026-11-20T06:00:00+01:00</CreDtTm>
   <Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
   <Ntry>
    <Amt Ccy="EUR">1250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
    <BookgDt><Dt>2026-11-19</Dt></BookgDt><ValDt><Dt>2026-11-19</Dt></ValDt>
    <AcctSvcrRef>2026111900004242</AcctSvcrRef>
    <NtryDtls><TxDtls>
     <RltdPties><Dbtr><Pty><Nm>ACME SARL</Nm></Pty></Dbtr>
      <DbtrAcct><Id><IBAN>FR1420041010050500013M02606</IBAN></Id></DbtrAcct></RltdPties>
     <RmtInf><Ustrd>FACTURE FA-2026-00042</Ustrd></RmtInf>
    </TxDtls></NtryDtls>
   </Ntry>
   <Ntry>
    <Amt Ccy="EUR">42.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
    <BookgDt><Dt>2026-11-19</Dt></BookgDt>
    <NtryDtls><TxDtls>
     <RltdPties><Cdtr><Pty><Nm>SNCF</Nm></Pty></Cdtr></RltdPties>
     <RmtInf><Ustrd>CB SNCF 19/11</Ustrd></RmtInf>
    </TxDtls></NtryDtls>
   </Ntry>
  </Stmt>
 </BkToCstmrStmt>
</Document>
"""


def test_a_synced_line_has_the_id_the_camt_importer_gives_the_same_entry(
    provider: EnableBankingProvider, fake: FakeEnableBanking, tmp_path: Path
) -> None:
    statement = tmp_path / "camt053.xml"
    statement.write_text(CAMT.format(iban=DEFAULT_IBAN), encoding="utf-8")
    from_file = load_transactions(statement)
    fake.add_transaction(DEFAULT_IBAN, {
        "entry_reference": "2026111900004242", "status": "BOOK",
        "transaction_amount": {"currency": "EUR", "amount": "1250.00"},
        "credit_debit_indicator": "CRDT", "booking_date": "2026-11-19",
        "debtor": {"name": "ACME SARL"},
        "debtor_account": {"iban": "FR1420041010050500013M02606"},
        "remittance_information": ["FACTURE FA-2026-00042"],
    })  # fmt: skip
    fake.add_transaction(DEFAULT_IBAN, {  # no entry reference: the content hash decides
        "status": "BOOK", "transaction_amount": {"currency": "EUR", "amount": "42.50"},
        "credit_debit_indicator": "DBIT", "booking_date": "2026-11-19",
        "creditor": {"name": "SNCF"}, "remittance_information": ["CB SNCF 19/11"],
    })  # fmt: skip
    _, connection = connect(provider, fake)
    synced = fetch(provider, connection, since=dt.date(2026, 11, 19))
    assert [t.id for t in synced] == [t.id for t in from_file]
    assert synced[0].id == f"{DEFAULT_IBAN}/2026111900004242"
    assert synced[1].id.startswith("h")
    assert [(t.amount, t.counterparty, t.iban, t.label) for t in synced] == [
        (t.amount, t.counterparty, t.iban, t.label) for t in from_file
    ]


def test_a_rate_limit_in_the_middle_of_paging_is_waited_out_losing_nothing(
    provider: EnableBankingProvider,
    fake: FakeEnableBanking,
    sleeps: Sleeps,
    generated: list[dict[str, Any]],
) -> None:
    _, connection = connect(provider, fake)
    stream = provider.transactions(connection, connection.accounts[0], since=START)
    head = list(itertools.islice(stream, 3))  # the first page has been fetched
    fake.rate_limit_next(seconds=3, times=2, header="X-RateLimit-Reset")
    rest = list(stream)
    got = head + rest
    assert sleeps.waits == [3.0, 3.0]
    assert [t.bank_reference for t in got] == [
        b.get("entry_reference", "") for b in fake.booked(DEFAULT_IBAN)
    ]
    assert len({t.id for t in got}) == len(got) == len(fake.booked(DEFAULT_IBAN))


def test_balances_are_the_banks(
    provider: EnableBankingProvider, fake: FakeEnableBanking, generated: list[dict[str, Any]]
) -> None:
    _, connection = connect(provider, fake)
    balances = {b.kind: b for b in provider.balances(connection, connection.accounts[0])}
    booked = sum((signed(t) for t in fake.booked(DEFAULT_IBAN)), Decimal("10000.00"))
    assert balances["CLBD"].amount == booked and balances["CLBD"].currency == "EUR"
    assert balances["CLBD"].date == NOW.date()
    assert balances["XPCD"].amount != booked  # the pending lines count there


def test_accounts_of_a_connection_stored_without_them_are_read_from_the_api(
    provider: EnableBankingProvider, fake: FakeEnableBanking
) -> None:
    _, connection = connect(provider, fake)
    assert provider.accounts(connection) == list(connection.accounts)
    bare = Connection(provider="enablebanking", id=connection.id)
    [account] = provider.accounts(bare)
    assert account == FeedAccount(connection.accounts[0].id, DEFAULT_IBAN, "EUR", "Compte courant")


# ---- ended consents ----------------------------------------------------------------------


@pytest.mark.parametrize("end", ["expire", "revoke"])
def test_an_ended_session_is_a_consent_expired_error_in_one_line(
    provider: EnableBankingProvider, fake: FakeEnableBanking, end: str
) -> None:
    _, connection = connect(provider, fake)
    getattr(fake, end)(connection.id)
    with pytest.raises(ConsentExpiredError) as caught:
        fetch(provider, connection)
    message = str(caught.value)
    said = "has expired" if end == "expire" else "was revoked at the bank"
    assert message == f"enablebanking: the bank consent {said}; connect the bank again to renew it"
    with pytest.raises(ConsentExpiredError):
        provider.accounts(connection)


def test_a_consent_past_its_end_is_expired(
    provider: EnableBankingProvider, fake: FakeEnableBanking, clock: Clock
) -> None:
    _, connection = connect(provider, fake, valid_days=30)
    clock.now += 31 * 86400
    with pytest.raises(ConsentExpiredError, match="has expired"):
        provider.balances(connection, connection.accounts[0])


def test_consent_status_tells_valid_expired_and_revoked(
    provider: EnableBankingProvider, fake: FakeEnableBanking, clock: Clock
) -> None:
    _, first = connect(provider, fake, valid_days=30)
    _, second = connect(provider, fake, valid_days=60)
    status = provider.consent_status(first)
    assert status.valid and status.valid_until == NOW + dt.timedelta(days=30)
    assert status.detail == "authorized until 2026-12-20"
    fake.revoke(second.id)
    revoked = provider.consent_status(second)
    assert not revoked.valid and revoked.detail.startswith("revoked")
    clock.now += 31 * 86400
    expired = provider.consent_status(first)
    assert not expired.valid and expired.detail.startswith("expired on 2026-12-20")
