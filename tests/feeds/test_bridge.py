"""The Bridge provider, driven through its real requests-based client against the fake API.

Each test starts :class:`~bankrec.feeds.fakes.bridge.FakeBridge` on 127.0.0.1 and talks
to it over HTTP as :class:`~bankrec.feeds.bridge.BridgeProvider` talks to Bridge; waits
are recorded by an injected ``sleep``, so nothing really waits and nothing is timed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import requests

from bankrec.feeds import bridge, bridge_map
from bankrec.feeds.bridge_consent import consent_of, context_for
from bankrec.feeds.errors import (
    ConsentExpiredError,
    FeedAuthError,
    FeedConfigError,
    FeedError,
    ProviderError,
)
from bankrec.feeds.fakes.bridge import FakeBridge, french_iban
from bankrec.feeds.fakes.server import FakeServer, Request, Response
from bankrec.feeds.provider import Bank, Connection, FeedAccount, FeedProvider
from bankrec.feeds.registry import make_provider
from bankrec.statements.ids import IdAllocator

START = dt.date(2026, 3, 2)
TX_PATH = "/v3/aggregation/transactions"
TOKEN_PATH = "/v3/aggregation/authorization/token"


@pytest.fixture
def fake() -> FakeBridge:
    return FakeBridge()


@pytest.fixture
def server(fake: FakeBridge) -> Iterator[FakeServer]:
    with FakeServer(fake) as running:
        yield running


@pytest.fixture
def sleeps() -> list[float]:
    return []


def provider_for(
    server: FakeServer, fake: FakeBridge, sleeps: list[float], **options: Any
) -> bridge.BridgeProvider:
    settings = {"client_id": fake.client_id, "client_secret": fake.client_secret,
                **options.pop("settings", {})}  # fmt: skip
    return bridge.from_settings(settings, base_url=server.url, sleep=sleeps.append, **options)


def connect(provider: bridge.BridgeProvider, fake: FakeBridge, state: str = "st-42") -> Connection:
    demo = next(b for b in provider.banks("FR") if b.name == "Demo Bank")
    link = provider.connect(demo, redirect_url="https://erp.example/bridge?journal=7", state=state)
    return provider.complete(link, fake.approve(link.url))


def booked_ids(fake: FakeBridge, account: str, since: dt.date | None = None) -> list[str]:
    return sorted(str(r["id"]) for r in fake.booked(account)
                  if since is None or r["date"] >= since.isoformat())  # fmt: skip


@pytest.fixture
def provider(server: FakeServer, fake: FakeBridge, sleeps: list[float]) -> bridge.BridgeProvider:
    return provider_for(server, fake, sleeps, page_size=50)


@pytest.fixture
def connection(provider: bridge.BridgeProvider, fake: FakeBridge) -> Connection:
    return connect(provider, fake)


def test_banks_of_france_are_its_providers_that_can_aggregate(
    provider: bridge.BridgeProvider,
) -> None:
    banks = provider.banks("fr")
    assert [b.name for b in banks] == ["BNP Paribas", "Crédit Agricole", "Demo Bank", "Qonto",
                                       "Société Générale"]  # fmt: skip
    assert {b.country for b in banks} == {"FR"}
    assert next(b for b in banks if b.name == "Demo Bank").id == "574"


def test_connect_then_approve_then_complete_gives_a_connection_that_stores_no_secret(
    provider: bridge.BridgeProvider, fake: FakeBridge
) -> None:
    demo = next(b for b in provider.banks("FR") if b.name == "Demo Bank")
    link = provider.connect(demo, redirect_url="https://erp.example/bridge?journal=7",
                            state="st-42")  # fmt: skip
    assert link.url.startswith("https://connect.bridgeapi.io/session/")
    session = next(iter(fake.sessions.values()))
    assert (session["provider_id"], session["country_code"], session["context"]) == (
        574,
        "FR",
        "st-42",
    )
    params = fake.approve(link.url)
    assert params["journal"] == "7"  # Bridge appends to the callback URL, keeping its query

    connection = provider.complete(link, params)

    assert connection.provider == "bridge"
    assert connection.id == params["item_id"]
    assert connection.data["user_uuid"] == link.reference == params["user_uuid"]
    assert connection.secrets == {}
    assert [a.name for a in connection.accounts] == ["Compte courant PRO", "Carte Visa Business"]
    assert connection.accounts[0].iban.startswith("FR") and connection.accounts[1].iban == ""
    assert connection.valid_until is not None
    days_left = connection.valid_until - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=179) < days_left <= dt.timedelta(days=180)


def test_connecting_again_reuses_the_same_bridge_user(
    server: FakeServer, fake: FakeBridge, sleeps: list[float]
) -> None:
    company = provider_for(server, fake, sleeps, settings={"external_user_id": "odoo-c1"})
    first, second = connect(company, fake, "a1"), connect(company, fake, "b2")
    assert first.data["user_uuid"] == second.data["user_uuid"]
    assert first.id != second.id
    assert [u["external_user_id"] for u in fake.users.values()] == ["odoo-c1"]


def test_a_redirect_carrying_another_state_is_refused(
    provider: bridge.BridgeProvider, fake: FakeBridge
) -> None:
    demo = provider.banks("FR")[0]
    link = provider.connect(demo, redirect_url="https://erp.example/back", state="good-state")
    params = fake.approve(link.url)
    for forged in ({**params, "context": "evil-state"}, {k: v for k, v in params.items()
                                                        if k != "context"}):  # fmt: skip
        with pytest.raises(FeedError) as refused:
            provider.complete(link, forged)
        assert "state differs" in str(refused.value)
        assert "\n" not in str(refused.value)


def test_a_state_bridge_cannot_carry_travels_hashed(
    provider: bridge.BridgeProvider, fake: FakeBridge
) -> None:
    state = "Zx_9/+=token"  # underscores and slashes are not allowed in a Bridge context
    demo = provider.banks("FR")[0]
    link = provider.connect(demo, redirect_url="https://erp.example/back", state=state)
    params = fake.approve(link.url)
    assert params["context"] == context_for(state) != state
    assert provider.complete(link, params).id == params["item_id"]


def test_a_connection_the_user_abandoned_is_reported(
    provider: bridge.BridgeProvider, fake: FakeBridge
) -> None:
    link = provider.connect(provider.banks("FR")[0], redirect_url="https://e.example/b",
                            state="s1")  # fmt: skip
    with pytest.raises(FeedError, match=r"not completed \(stopped at bank_creds_form\)"):
        provider.complete(link, fake.approve(link.url, success=False, step="bank_creds_form"))


def test_a_wrong_client_secret_is_an_auth_error_that_does_not_show_it(
    server: FakeServer, fake: FakeBridge, sleeps: list[float]
) -> None:
    secret = "wrong-secret-7d1e0b9a"
    bad = provider_for(server, fake, sleeps, settings={"client_secret": secret})
    for call in (lambda: bad.banks("FR"),
                 lambda: bad.connect(Bank("574", "Demo", "FR"),
                                     redirect_url="https://e.example", state="s")):  # fmt: skip
        with pytest.raises(FeedAuthError) as refused:
            call()
        message = str(refused.value)
        assert secret not in message and "\n" not in message
        assert "client id or client secret" in message


def test_the_fake_refuses_a_request_without_bridge_version_or_with_a_page_too_large(
    server: FakeServer, fake: FakeBridge
) -> None:
    answer = requests.get(f"{server.url}/v3/providers", timeout=5)
    assert answer.status_code == 400
    assert answer.json()["property"] == "Bridge-Version"
    headers = {"Bridge-Version": "2025-01-15", "Client-Id": fake.client_id,
               "Client-Secret": fake.client_secret}  # fmt: skip
    too_large = requests.get(f"{server.url}/v3/providers?limit=501", headers=headers, timeout=5)
    assert (too_large.status_code, too_large.json()["property"]) == (400, "limit")


def test_paging_yields_exactly_the_booked_transactions_with_exact_amounts(
    provider: bridge.BridgeProvider, fake: FakeBridge, connection: Connection
) -> None:
    account = connection.accounts[0]
    made = fake.add_transactions(account.id, 230, START, seed=7)
    assert any(r["future"] for r in made) and any(r["deleted"] for r in made)

    got = list(provider.transactions(connection, account))

    assert sorted(t.bank_reference for t in got) == booked_ids(fake, account.id)
    assert fake.calls("GET", TX_PATH) == math.ceil(230 / 50)
    by_ref = {str(r["id"]): r for r in made}
    for tx in got:
        raw = by_ref[tx.bank_reference]
        assert isinstance(tx.amount, Decimal) and tx.amount == raw["amount"]
        assert tx.label == raw["provider_description"]
        assert tx.account == account.iban and tx.currency == "EUR"
        assert tx.id == f"{account.iban}/{tx.bank_reference}"
        assert tx.date == dt.date.fromisoformat(raw["booking_date"])
    assert any(t.amount < 0 and t.label.startswith("CB CARREFOUR") for t in got)
    assert any(t.amount > 0 and t.label.startswith("VIR SEPA RECU /DE ") for t in got)
    assert len({t.id for t in got}) == len(got)


def test_an_account_without_iban_is_named_after_its_bridge_id(
    provider: bridge.BridgeProvider, fake: FakeBridge, connection: Connection
) -> None:
    card = connection.accounts[1]
    fake.add_transactions(card.id, 12, START, seed=3, future_every=0, deleted_every=0)
    got = list(provider.transactions(connection, card))
    assert len(got) == 12
    assert {t.account for t in got} == {f"bridge:{card.id}"}


def test_ids_are_stable_across_fetches_and_an_overlapping_fetch_gives_the_same_ids(
    provider: bridge.BridgeProvider, fake: FakeBridge, connection: Connection
) -> None:
    account = connection.accounts[0]
    fake.add_transactions(account.id, 180, START, seed=11)
    first = {t.bank_reference: t.id for t in provider.transactions(connection, account)}
    again = {t.bank_reference: t.id for t in provider.transactions(connection, account)}
    assert first == again

    middle = START + dt.timedelta(days=30)
    overlap = list(provider.transactions(connection, account, since=middle))
    assert sorted(t.bank_reference for t in overlap) == booked_ids(fake, account.id, middle)
    assert 0 < len(overlap) < len(first)
    assert all(t.date >= middle and first[t.bank_reference] == t.id for t in overlap)
    last_first_page = [r for r in fake.log if r.path == TX_PATH and "after" not in r.query][-1]
    assert last_first_page.query["min_date"] == middle.isoformat()  # the server filters


def test_a_token_expiring_mid_sync_is_renewed_once_and_the_sync_completes(
    provider: bridge.BridgeProvider, fake: FakeBridge, connection: Connection
) -> None:
    account = connection.accounts[0]
    fake.add_transactions(account.id, 160, START, seed=5, future_every=0, deleted_every=0)
    tokens_before = fake.calls("POST", TOKEN_PATH)
    stream = provider.transactions(connection, account)
    got = [next(stream)]  # the first page is in
    fake.expire_tokens()
    got.extend(stream)
    assert sorted(t.bank_reference for t in got) == booked_ids(fake, account.id)
    assert fake.calls("POST", TOKEN_PATH) == tokens_before + 1


def test_a_token_past_its_end_is_renewed_before_use_not_after_a_refusal(
    sleeps: list[float],
) -> None:
    now = [1_770_000_000.0]
    app = FakeBridge(clock=lambda: now[0])
    with FakeServer(app) as running:
        provider = provider_for(running, app, sleeps, page_size=50, clock=lambda: now[0])
        connection = connect(provider, app)
        account = connection.accounts[0]
        app.add_transactions(account.id, 60, START, seed=2, future_every=0, deleted_every=0)
        tokens_before = app.calls("POST", TOKEN_PATH)
        now[0] += 3 * 3600  # the two-hour token has ended by both clocks
        assert len(list(provider.transactions(connection, account))) == 60
    assert app.calls("POST", TOKEN_PATH) == tokens_before + 1
    assert app.calls("GET", TX_PATH) == 2  # two pages, neither sent twice


def test_a_rate_limit_mid_paging_is_waited_out_without_losing_or_repeating_lines(
    provider: bridge.BridgeProvider, fake: FakeBridge, connection: Connection, sleeps: list[float]
) -> None:
    account = connection.accounts[0]
    fake.add_transactions(account.id, 170, START, seed=9)
    stream = provider.transactions(connection, account)
    got = [next(stream)]
    fake.fail_next(
        429,
        prefix=TX_PATH,
        headers={"Retry-After": "7"},
        body={"code": "too_many_requests", "message": "Rate limit exceeded"},
    )
    got.extend(stream)
    refs = [t.bank_reference for t in got]
    assert len(refs) == len(set(refs))
    assert sorted(refs) == booked_ids(fake, account.id)
    assert sleeps == [7.0]


def test_server_errors_mid_paging_are_retried_with_back_off(
    provider: bridge.BridgeProvider, fake: FakeBridge, connection: Connection, sleeps: list[float]
) -> None:
    account = connection.accounts[0]
    fake.add_transactions(account.id, 120, START, seed=13)
    stream = provider.transactions(connection, account)
    got = [next(stream)]
    fake.fail_next(503, times=2, prefix=TX_PATH)
    got.extend(stream)
    assert sorted(t.bank_reference for t in got) == booked_ids(fake, account.id)
    assert sleeps == [0.5, 1.0]


def test_an_item_that_needs_a_new_strong_authentication_stops_the_sync(
    provider: bridge.BridgeProvider, fake: FakeBridge, connection: Connection
) -> None:
    account = connection.accounts[0]
    fake.add_transactions(account.id, 20, START, seed=1)
    fake.require_sca(connection.id)
    with pytest.raises(ConsentExpiredError) as stopped:
        list(provider.transactions(connection, account))
    message = str(stopped.value)
    assert "\n" not in message and "strong authentication" in message
    assert message.endswith("connect the bank again")
    assert fake.calls("GET", TX_PATH) == 0  # stale data is not read as if it were current


def test_consent_status_follows_the_item(
    provider: bridge.BridgeProvider, fake: FakeBridge, connection: Connection
) -> None:
    status = provider.consent_status(connection)
    assert status.valid and status.valid_until == connection.valid_until
    assert status.detail.startswith("authorized until ")

    fake.set_item_status(connection.id, 1003)
    assert provider.consent_status(connection).valid  # the bank is down, the consent is not

    fake.set_item_status(connection.id, 0)
    fake.expire_consent(connection.id, days_ago=2)
    expired = provider.consent_status(connection)
    assert not expired.valid and expired.detail.startswith("expired on ")

    fake.delete_item(connection.id)
    revoked = provider.consent_status(connection)
    assert not revoked.valid and "no longer exists" in revoked.detail


def test_balances_are_exact_decimals(
    provider: bridge.BridgeProvider, connection: Connection
) -> None:
    found = provider.balances(connection, connection.accounts[0])
    assert [(b.kind, b.amount, b.currency) for b in found] == [
        ("balance", Decimal("12345.67"), "EUR"),
        ("instant", Decimal("12345.67"), "EUR"),
    ]


def test_a_next_page_on_another_host_is_refused(fake: FakeBridge, sleeps: list[float]) -> None:
    class Redirecting(FakeBridge):
        def _providers(self, request: Request) -> Response:
            answer = super()._providers(request)
            answer.body["pagination"]["next_uri"] = "https://elsewhere.example/v3/providers"
            return answer

    app = Redirecting()
    with FakeServer(app) as running:
        provider = provider_for(running, app, sleeps)
        with pytest.raises(ProviderError, match="another host"):
            provider.banks("FR")
    assert app.calls("GET", "/v3/providers") == 1


def test_the_registry_builds_a_provider_and_requires_the_credentials(server: FakeServer) -> None:
    made = make_provider("bridge", {"client_id": "c", "client_secret": "s"}, base_url=server.url)
    assert isinstance(made, FeedProvider) and made.name == "bridge"
    with pytest.raises(FeedConfigError, match="client_secret"):
        bridge.from_settings({"client_id": "c"})
    assert set(bridge.SETTINGS) >= {"client_id", "client_secret", "base_url", "version"}


def test_a_stored_connection_without_its_bridge_user_asks_to_connect_again(
    provider: bridge.BridgeProvider,
) -> None:
    with pytest.raises(FeedConfigError, match="connect the bank again"):
        provider.consent_status(Connection(provider="bridge", id="8000001"))


# -- the mapping alone ---------------------------------------------------------------------


def test_amounts_decoded_as_floats_are_read_back_exactly_or_refused() -> None:
    assert bridge_map.money(-6.92, "x") == Decimal("-6.92")
    assert bridge_map.money(1234567.89, "x") == Decimal("1234567.89")
    assert bridge_map.money("10.10", "x") == Decimal("10.10")
    with pytest.raises(ProviderError, match="too long"):
        bridge_map.money(0.1 + 0.2, "x")
    with pytest.raises(ProviderError, match="no amount"):
        bridge_map.money(None, "x")


def test_pending_and_withdrawn_lines_are_not_booked() -> None:
    assert bridge_map.is_booked({"future": False, "deleted": False})
    assert not bridge_map.is_booked({"future": True, "deleted": False})
    assert not bridge_map.is_booked({"deleted": True})
    assert not bridge_map.is_booked({"is_future": True})  # the v2 names


def test_the_cleaned_text_is_the_label_when_the_bank_text_is_missing() -> None:
    raw = {"id": 5, "amount": 12.5, "date": "2026-03-02", "currency_code": "eur",
           "clean_description": "Edf"}  # fmt: skip
    tx = bridge_map.transaction(raw, FeedAccount("41", iban=french_iban(41)), IdAllocator())
    assert (tx.label, tx.currency, tx.amount) == ("Edf", "EUR", Decimal("12.5"))
    with pytest.raises(ProviderError, match="has no date"):
        bridge_map.transaction({"id": 6, "amount": 1}, FeedAccount("41"), IdAllocator())


def test_an_otp_request_without_the_1010_status_still_needs_the_user() -> None:
    now = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    status = consent_of({"status": 0, "status_code_info": "otp_required"}, now)
    assert not status.valid
    assert consent_of({"status": -2}, now).valid  # a refresh is running


def test_the_fake_generates_the_same_transactions_for_the_same_seed() -> None:
    def generated() -> list[tuple[str, Decimal, str]]:
        app = FakeBridge()
        app.sessions["s"] = {"id": "s", "user_uuid": "u"}
        account = app.account_ids(app.approve("s")["item_id"])[0]
        return [(r["provider_description"], r["amount"], r["date"])
                for r in app.add_transactions(account, 40, START, seed=21)]  # fmt: skip

    assert generated() == generated()


@pytest.mark.parametrize("seed", [1, 40000001, 98765432109])
def test_the_fake_ibans_pass_the_iban_checksum(seed: int) -> None:
    iban = french_iban(seed)
    rearranged = iban[4:] + iban[:4]
    assert len(iban) == 27 and int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1
