"""Statement import throughput and peak memory on large generated files.

    python -m bench.bench_import [--n 1000000] [--formats camt,mt940] [--dir DIR] [--keep]

Generates a camt.053.001.08 file with N transactions (each entry with related parties,
IBAN, remittance text, creditor reference and a bank reference) and, when
``bankrec.statements.mt940`` exists, an MT940 file with N ``:61:``/``:86:`` lines. Each file
is then parsed in a *fresh subprocess* so its peak resident memory (``ru_maxrss``) is the
parser's alone, in two modes:

* ``stream`` -- camt only: :func:`bankrec.statements.camt.iter_transactions`, transactions
  counted and dropped (what the parser itself needs: bounded by one entry plus the id
  counter);
* ``read``   -- the public ``read(path) -> list[Statement]`` (everything kept in memory,
  as an import does).

Speed and memory are measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ACCOUNT = "DE89370400440532013000"
COUNTERPARTIES = [
    ("Kunde Eins KG", "DE02120300000000202051"),
    ("Lieferant Zwei AG", "AT611904300234573201"),
    ("Spedition Drei e.K.", "DE75512108001245126199"),
    ("Alpha Sarl", "FR1420041010050500013M02606"),
    ("Beta Ltd", "GB29NWBK60161331926819"),
]

_CAMT_ENTRY = """      <Ntry>
        <Amt Ccy="EUR">{amount}</Amt>
        <CdtDbtInd>{ind}</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>{date}</Dt></BookgDt>
        <ValDt><Dt>{date}</Dt></ValDt>
        <AcctSvcrRef>BNK{n:010d}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{fam}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs><EndToEndId>E2E-{n}</EndToEndId></Refs>
            <Amt Ccy="EUR">{amount}</Amt>
            <CdtDbtInd>{ind}</CdtDbtInd>
            <RltdPties>
              <{role}><Pty><Nm>{name}</Nm></Pty></{role}>
              <{role}Acct><Id><IBAN>{iban}</IBAN></Id></{role}Acct>
            </RltdPties>
            <RmtInf>
              <Ustrd>Invoice {n} payment</Ustrd>
              <Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>RF{n:012d}</Ref></CdtrRefInf></Strd>
            </RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
"""


def _movement(n: int) -> Decimal:
    """A deterministic mix of credits and debits with varying cents."""
    cents = (n * 7919) % 500000 + 1
    return Decimal(cents).scaleb(-2) * (1 if n % 3 else -1)


def generate_camt(path: Path, count: int) -> Decimal:
    """Write a camt.053 v08 statement with ``count`` entries; return its net movement."""
    start = dt.date(2024, 1, 1)
    net = Decimal(0)
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">\n'
            "  <BkToCstmrStmt>\n    <GrpHdr><MsgId>BENCH</MsgId>"
            "<CreDtTm>2024-12-31T23:00:00</CreDtTm></GrpHdr>\n    <Stmt>\n"
            f"      <Id>BENCH-{count}</Id>\n"
            f"      <Acct><Id><IBAN>{ACCOUNT}</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
            '      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt>'
            "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2023-12-31</Dt></Dt></Bal>\n"
        )
        # entries come after the balances, so the closing balance goes in a second Bal
        # written up front: compute the net first (cheap, no I/O)
        net = sum((_movement(n) for n in range(count)), Decimal(0))
        ind = "CRDT" if net >= 0 else "DBIT"
        out.write(
            "      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>"
            f'<Amt Ccy="EUR">{abs(net)}</Amt><CdtDbtInd>{ind}</CdtDbtInd>'
            "<Dt><Dt>2024-12-31</Dt></Dt></Bal>\n"
        )
        for n in range(count):
            amount = _movement(n)
            name, iban = COUNTERPARTIES[n % len(COUNTERPARTIES)]
            out.write(
                _CAMT_ENTRY.format(
                    amount=abs(amount),
                    ind="CRDT" if amount > 0 else "DBIT",
                    role="Dbtr" if amount > 0 else "Cdtr",
                    fam="RCDT" if amount > 0 else "ICDT",
                    date=(start + dt.timedelta(days=n % 365)).isoformat(),
                    n=n,
                    name=name,
                    iban=iban,
                )
            )
        out.write("    </Stmt>\n  </BkToCstmrStmt>\n</Document>\n")
    return net


def _mt_amount(value: Decimal) -> str:
    return f"{abs(value):.2f}".replace(".", ",")


def generate_mt940(path: Path, count: int) -> Decimal:
    """Write one MT940 statement with ``count`` ``:61:``/``:86:`` lines; return the net."""
    net = sum((_movement(n) for n in range(count)), Decimal(0))
    with path.open("w", encoding="latin-1", newline="\r\n") as out:
        out.write(":20:BENCH\n:25:37040044/0532013000\n:28C:1/1\n:60F:C231231EUR0,00\n")
        day = dt.date(2024, 1, 1)
        for n in range(count):
            amount = _movement(n)
            name, iban = COUNTERPARTIES[n % len(COUNTERPARTIES)]
            mark = "C" if amount > 0 else "D"
            out.write(
                f":61:{day:%y%m%d}{day:%m%d}{mark}{_mt_amount(amount)}NTRFE2E{n}//BNK{n:010d}\n"
                f":86:166?00GUTSCHRIFT?20Invoice {n} payment?21RF{n:012d}"
                f"?30COBADEFF?31{iban}?32{name}\n"
            )
        mark = "C" if net >= 0 else "D"
        out.write(f":62F:{mark}241231EUR{_mt_amount(net)}\n-\n")
    return net


def worker(fmt: str, path: Path, mode: str) -> dict[str, object]:
    """Parse ``path`` once in this process; report time, count and peak RSS."""
    module = importlib.import_module(f"bankrec.statements.{fmt}")
    started = time.perf_counter()
    cpu_started = time.process_time()
    if mode == "stream":
        count = sum(1 for _ in module.iter_transactions(path))
        net = None
    else:
        statements = module.read(path)
        count = sum(len(s.transactions) for s in statements)
        net = str(sum((s.movements() for s in statements), Decimal(0)))
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return {"format": fmt, "mode": mode, "transactions": count, "seconds": seconds,
            "cpu_seconds": cpu_seconds, "peak_rss_mb": peak_kb / 1024, "net": net}  # fmt: skip


def _measure(fmt: str, path: Path, mode: str) -> dict[str, object]:
    cmd = [sys.executable, "-m", "bench.bench_import", "--worker", fmt, str(path), mode]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{fmt} {mode} failed:\n{done.stderr}")
    result: dict[str, object] = json.loads(done.stdout)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="transactions per file")
    parser.add_argument("--formats", default="camt,mt940")
    parser.add_argument("--dir", type=Path, help="where to write the generated files")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument(
        "--worker", nargs=3, metavar=("FMT", "PATH", "MODE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.worker:
        fmt, path, mode = args.worker
        print(json.dumps(worker(fmt, Path(path), mode)))
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="bankrec-bench-", dir=args.dir))
    generators = {"camt": (generate_camt, "xml"), "mt940": (generate_mt940, "sta")}
    print(f"bankrec import benchmark, N={args.n:,} transactions, python {sys.version.split()[0]}")
    for fmt in args.formats.split(","):
        if importlib.util.find_spec(f"bankrec.statements.{fmt}") is None:
            print(f"{fmt}: bankrec.statements.{fmt} not available, skipped")
            continue
        generate, ext = generators[fmt]
        path = workdir / f"bench-{args.n}.{ext}"
        started = time.perf_counter()
        net = generate(path, args.n)
        size_mb = path.stat().st_size / 1e6
        print(f"{fmt}: generated {size_mb:,.0f} MB in {time.perf_counter() - started:.0f} s")
        modes = ("stream", "read") if fmt == "camt" else ("read",)
        for mode in modes:
            r = _measure(fmt, path, mode)
            rate = float(r["transactions"]) / float(r["seconds"])  # type: ignore[arg-type]
            check = (
                "" if r["net"] is None else (" net ok" if r["net"] == str(net) else " NET MISMATCH")
            )
            cpu = float(r.get("cpu_seconds", r["seconds"]))  # type: ignore[arg-type]
            print(
                f"{fmt:6} {mode:6} {r['transactions']:>10,} tx  {r['seconds']:8.1f} s wall "
                f"{cpu:8.1f} s cpu  {rate:8,.0f} tx/s wall  {float(r['transactions']) / cpu:8,.0f}"  # type: ignore[arg-type]
                f" tx/s cpu  peak RSS {r['peak_rss_mb']:6,.0f} MB{check}"
            )
        if not args.keep:
            os.unlink(path)
    if not args.keep:
        os.rmdir(workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
