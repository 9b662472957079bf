"""Reconcile a folder of claims on a small Dask cluster, and check it against the in-memory path.

Run on demand (not a test)::

    python benchmarks/bench_dask.py [--claims 5000000] [--files 50] [--workers 2]
                                    [--memory-limit 1GiB] [--write-claims] [--keep]

It makes ``--claims`` synthetic claims over about a fifth as many quantities (``make_claims``
of ``bench_reconcile.py``), cuts them into ``--files`` Parquet files of consecutive rows (so
every file holds claims of nearly every quantity, and the shuffle has real work to do), and:

- on a ``distributed.LocalCluster`` of ``--workers`` single-threaded workers with
  ``--memory-limit`` each, times ``rc.reconcile(rc.read_claims(folder, lazy=True))`` with its
  estimates, conflicts and claims written by Dask ``to_parquet`` in one ``dask.compute`` (so
  no table has to fit on the client);
- watches the workers while it runs: whether any was killed or restarted (worker addresses
  and process ids before and after, the addresses the scheduler saw during the run, and the
  scheduler's and nannies' logs); each worker's peak memory (the largest resident size the
  scheduler heard of, the largest read from ``/proc`` every 10 ms with the tasks running
  then, and the exact peak, ``VmHWM``, of each worker process); what it spilled to disk; and
  the tasks run (how often each file was read, the shuffles, where the workers' time went);
- times the in-memory path on the same folder (``rc.read_claims(folder)``, ``rc.reconcile``,
  the same three tables written with pandas) once the cluster is closed;
- compares the two: estimates sorted by key (``assert_frame_equal``), conflicts up to their
  numbering, and every claim's fate (claims sorted back by ``input_order``).

Files are written with pandas ``to_parquet`` (``--write-claims``: with ``rc.write_claims``,
about 15x slower); the first file is read back with ``rc.read_claims`` and must give the
claims written.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from bench_reconcile import KEY, make_claims  # benchmarks/ is on the path of a script run from it

TABLES = ("estimates", "conflicts", "claims")
# What the scheduler and the nannies log when a worker dies or is brought back.
TROUBLE = re.compile(
    r"restart|killed|exceeded|terminat|remove worker|lost|KilledWorker|heartbeat", re.IGNORECASE
)


def write_files(claims: pd.DataFrame, folder: Path, n_files: int, *, with_library: bool) -> list[Path]:
    """``claims`` as ``n_files`` Parquet files of consecutive rows, named in input order."""
    import reconcile as rc

    folder.mkdir(parents=True, exist_ok=True)
    bounds = np.linspace(0, len(claims), n_files + 1).astype(int)
    paths = []
    for number, (start, stop) in enumerate(itertools.pairwise(bounds)):
        part = claims.iloc[start:stop].reset_index(drop=True)
        path = folder / f"claims-{number:04d}.parquet"
        if with_library:
            rc.write_claims(part, path)
        else:
            part.to_parquet(path, index=False)
        paths.append(path)
    first = claims.iloc[bounds[0] : bounds[1]].reset_index(drop=True)
    pd.testing.assert_frame_equal(rc.read_claims(paths[0]), first, check_dtype=False)
    return paths


class Watch:
    """Polls the scheduler while the cluster works: every worker address seen, each one's peak memory."""

    def __init__(self, client: Any, every: float = 0.25) -> None:
        self.client = client
        self.every = every
        self.addresses: set[str] = set()
        self.names_of: dict[str, str] = {}
        self.peak: dict[str, int] = {}  # by worker name: the nanny keeps the name across restarts
        self.spilled: dict[str, int] = {}
        self.paused: set[str] = set()
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            with contextlib.suppress(Exception):  # the scheduler may be busy or closing: sample again
                self._sample()

    def _sample(self) -> None:
        workers = self.client.scheduler_info(n_workers=-1)["workers"]
        self.samples += 1
        for address, worker in workers.items():
            name = str(worker.get("name", address))
            self.addresses.add(address)
            self.names_of[address] = name
            metrics = worker.get("metrics", {})
            memory = int(metrics.get("memory", 0) or 0)
            self.peak[name] = max(self.peak.get(name, 0), memory)
            disk = int((metrics.get("spilled_bytes") or {}).get("disk", 0) or 0)
            self.spilled[name] = max(self.spilled.get(name, 0), disk)
            if worker.get("status") == "paused":
                self.paused.add(name)


class Resident:
    """Reads each local worker process's resident size from ``/proc`` every few milliseconds.

    Finer than the scheduler's heartbeats and the nanny's 100 ms checks: it catches the short
    peaks between them, with when they happened (to find the tasks running then).
    """

    FIELDS = ("VmRSS", "RssAnon", "RssFile")

    def __init__(self, pids: dict[str, int], every: float = 0.01) -> None:
        self.pids = pids
        self.every = every
        self.peak: dict[str, dict[str, float]] = {address: {"VmRSS": 0} for address in pids}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Resident:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            for address, pid in self.pids.items():
                with contextlib.suppress(OSError, ValueError):  # a worker gone: its peak so far stands
                    status = Path(f"/proc/{pid}/status").read_text()
                    sizes = {
                        field: int(line.split()[1]) * 1024
                        for line in status.splitlines()
                        for field in self.FIELDS
                        if line.startswith(field + ":")
                    }
                    if sizes.get("VmRSS", 0) > self.peak[address]["VmRSS"]:
                        self.peak[address] = {**sizes, "at": time.time()}


def _running_at(stream: list[dict[str, Any]], worker: str, moment: float) -> list[str]:
    """The tasks (by prefix) that ``worker`` was computing, or moving data for, at ``moment``."""
    from dask.utils import key_split

    found = []
    for task in stream:
        if task.get("worker") != worker:
            continue
        for part in task["startstops"]:
            if part["start"] - 0.05 <= moment <= part["stop"] + 0.05:
                found.append(f"{key_split(task['key'])} ({part['action']})")
    return sorted(set(found))


def _own_peak() -> int:
    """This process's peak resident size, in bytes (run in each worker).

    ``VmHWM``, not ``ru_maxrss``: Linux carries ``ru_maxrss`` across the fork and exec that
    start a worker, so a worker would report this benchmark's own peak (the claims it made).
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return -1


def _pid() -> int:
    return os.getpid()


def trouble_lines(client: Any) -> list[str]:
    """Lines of the scheduler's and the nannies' logs that speak of a worker dying or restarting."""
    found = []
    for _, line in client.get_scheduler_logs(n=10_000):
        if TROUBLE.search(line):
            found.append(f"scheduler: {line}")
    for nanny, lines in client.get_worker_logs(n=10_000, nanny=True).items():
        for _, line in lines:
            if TROUBLE.search(line):
                found.append(f"nanny {nanny}: {line}")
    return found


def worker_trouble_lines(client: Any) -> list[str]:
    found = []
    try:
        logs = client.get_worker_logs(n=10_000)
    except Exception as error:  # a worker that just died cannot answer
        return [f"(worker logs unavailable: {error!r})"]
    for worker, lines in logs.items():
        for _, line in lines:
            if TROUBLE.search(line) or "memory" in line.lower():
                found.append(f"worker {worker}: {line}")
    return found


def on_dask(folder: Path, out: Path, options: argparse.Namespace) -> dict[str, Any]:
    """Reconcile ``folder`` on a local cluster, the tables written under ``out``; time and watch it."""
    from dask import config
    from dask.base import compute
    from dask.utils import key_split
    from distributed import Client, LocalCluster, get_task_stream

    import reconcile as rc

    report: dict[str, Any] = {}
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=options.workers,
            threads_per_worker=1,
            memory_limit=options.memory_limit,
            processes=True,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        client.wait_for_workers(options.workers)
        before = client.scheduler_info(n_workers=-1)["workers"]
        pids_before = client.run(_pid)
        report["dashboard"] = client.dashboard_link
        error: BaseException | None = None
        with Watch(client) as watch, Resident(pids_before) as resident, get_task_stream(client) as stream:
            start, began = time.perf_counter(), time.time()
            try:
                result = rc.reconcile(rc.read_claims(folder, lazy=True))
                writes = [
                    getattr(result, name).to_parquet(out / name, write_index=False, compute=False)
                    for name in TABLES
                ]
                compute(*writes)  # type: ignore[no-untyped-call]
            except Exception as failed:  # report it with what the cluster saw, then raise
                error = failed
            report["seconds"] = time.perf_counter() - start
        report["partitions"] = result.claims.npartitions if error is None else None
        report["resident peaks"] = {
            address: {
                **peak,
                "seconds in": peak.get("at", began) - began,
                "running": _running_at(stream.data, address, peak["at"]) if "at" in peak else [],
            }
            for address, peak in resident.peak.items()
        }
        busy: dict[str, float] = {}
        runs: dict[str, int] = {}
        for task in stream.data:
            prefix = key_split(task["key"])
            spent = sum(
                part["stop"] - part["start"] for part in task["startstops"] if part["action"] == "compute"
            )
            busy[prefix] = busy.get(prefix, 0.0) + spent
            runs[prefix] = runs.get(prefix, 0) + 1
        report["busy"] = busy
        report["runs"] = runs
        # the library's per-file task (reconcile._on_dask._read_like), fused or not
        report["file reads"] = sum(n for prefix, n in runs.items() if "read_like" in prefix)
        report["shuffles"] = runs.get("shuffle-barrier", 0)
        after = client.scheduler_info(n_workers=-1)["workers"]
        pids_after = client.run(_pid)
        report["worker peak (VmHWM)"] = client.run(_own_peak)
        limit = next(iter(after.values()))["memory_limit"]
        report["memory limit"] = limit
        report["terminate at"] = limit * float(config.get("distributed.worker.memory.terminate"))
        report["trouble"] = trouble_lines(client)
        report["worker lines"] = worker_trouble_lines(client)
        names_before = {str(w.get("name", a)): a for a, w in before.items()}
        names_after = {str(w.get("name", a)): a for a, w in after.items()}
        changed = sorted(name for name in names_before if names_after.get(name) != names_before[name])
        pid_changed = sorted(
            name
            for name, address in names_after.items()
            if address not in pids_before or pids_before[address] != pids_after.get(address)
        )
        report["restarted"] = {
            "worker address changed (by name)": changed,
            "worker process id changed": pid_changed,
            "addresses seen during the run": sorted(watch.addresses),
            "extra addresses seen": max(0, len(watch.addresses) - options.workers),
            "log lines": len(report["trouble"]),
        }
        report["killed"] = bool(
            changed or pid_changed or len(watch.addresses) > options.workers or report["trouble"]
        )
        report["pids"] = {"before": pids_before, "after": pids_after}
        report["peak (scheduler)"] = dict(watch.peak)
        report["spilled to disk (max)"] = dict(watch.spilled)
        report["paused"] = sorted(watch.paused)
        report["samples"] = watch.samples
        report["error"] = error
    return report


def in_memory(folder: Path, out: Path) -> tuple[dict[str, float], Any]:
    """The in-memory path on the same folder, read, reconciled and written, each step timed."""
    import reconcile as rc

    seconds: dict[str, float] = {}
    start = time.perf_counter()
    claims = rc.read_claims(folder)
    seconds["read"] = time.perf_counter() - start
    step = time.perf_counter()
    result = rc.reconcile(claims)
    tables = {name: getattr(result, name) for name in TABLES}  # conflicts are worded when read
    seconds["reconcile"] = time.perf_counter() - step
    step = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        table.to_parquet(out / f"{name}.parquet", index=False)
    seconds["write"] = time.perf_counter() - step
    seconds["total"] = time.perf_counter() - start
    return seconds, result


def compare(dask_out: Path, result: Any) -> dict[str, Any]:
    """The Dask tables written under ``dask_out`` against the in-memory ``result``: what differs."""
    found: dict[str, Any] = {}
    on_dask = {name: pd.read_parquet(dask_out / name) for name in TABLES}

    def by_key(table: pd.DataFrame) -> pd.DataFrame:
        return table.sort_values(KEY, kind="stable").reset_index(drop=True)

    estimates, expected = by_key(on_dask["estimates"]), by_key(result.estimates)
    found["estimates rows"] = (len(estimates), len(expected))
    found["estimates dtypes differ"] = {
        column: (str(estimates[column].dtype), str(expected[column].dtype))
        for column in expected.columns
        if column in estimates and estimates[column].dtype != expected[column].dtype
    }
    found["estimates columns differ"] = list(estimates.columns) != list(expected.columns)
    try:
        pd.testing.assert_frame_equal(estimates, expected)
        found["estimates identical"] = True
        found["estimates difference"] = ""
    except AssertionError as strict:
        found["estimates identical"] = False
        found["estimates difference"] = str(strict)
        try:  # does it hold apart from the dtypes?
            pd.testing.assert_frame_equal(estimates, expected, check_dtype=False)
            found["estimates equal apart from dtypes"] = True
        except AssertionError as loose:
            found["estimates equal apart from dtypes"] = False
            found["estimates loose difference"] = str(loose)

    conflicts, wanted = on_dask["conflicts"], result.conflicts
    found["conflicts"] = (conflicts["conflict_id"].nunique(), wanted["conflict_id"].nunique())
    found["conflict rows"] = (len(conflicts), len(wanted))
    found["conflicts by kind"] = (
        conflicts.groupby("kind")["conflict_id"].nunique().to_dict(),
        wanted.groupby("kind")["conflict_id"].nunique().to_dict(),
    )
    rest = [column for column in wanted.columns if column != "conflict_id"]
    try:  # the same rows but for the numbering (messages that name a conflict id would differ)
        pd.testing.assert_frame_equal(
            conflicts[rest].sort_values(rest).reset_index(drop=True),
            wanted[rest].sort_values(rest).reset_index(drop=True),
            check_dtype=False,
        )
        found["conflicts same but numbering"] = True
    except AssertionError as differs:
        found["conflicts same but numbering"] = f"no: {differs}"

    claims = on_dask["claims"].sort_values("input_order", kind="stable")
    claims = claims.drop(columns="input_order").reset_index(drop=True)
    fates = result.claims
    found["claims rows"] = (len(claims), len(fates))
    found["kept"] = (int(claims["kept"].sum()), int(fates["kept"].sum()))
    found["set aside"] = (int((~claims["kept"]).sum()), int((~fates["kept"]).sum()))
    same_order = len(claims) == len(fates) and bool((claims["claim_id"] == fates["claim_id"]).all())
    found["claims back in input order"] = same_order
    if same_order:
        found["claims whose kept differs"] = int((claims["kept"] != fates["kept"]).sum())
        named = claims["conflict_id"].notna() != fates["conflict_id"].notna()
        found["claims whose having a conflict differs"] = int(named.sum())
        fixed = [column for column in fates.columns if column not in ("conflict_id", "reason")]
        try:
            pd.testing.assert_frame_equal(claims[fixed], fates[fixed], check_dtype=False)
            found["claims same but conflict ids and reasons"] = True
        except AssertionError as differs:
            found["claims same but conflict ids and reasons"] = f"no: {differs}"
        strip = re.compile(r"\(C\d+\)$")
        reasons = claims["reason"].astype(object).map(lambda r: r if pd.isna(r) else strip.sub("", r))
        wanted_reasons = fates["reason"].astype(object).map(lambda r: r if pd.isna(r) else strip.sub("", r))
        found["claims whose reason differs (ids aside)"] = int(
            (reasons.fillna("\0") != wanted_reasons.fillna("\0")).sum()
        )
    return found


def gib(n_bytes: float) -> str:
    return f"{n_bytes / 2**30:.2f} GiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=5_000_000)
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="1GiB")
    parser.add_argument("--write-claims", action="store_true", help="write the files with rc.write_claims")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="reconcile-bench-dask-"))
    folder, dask_out, memory_out = work / "claims", work / "on-dask", work / "in-memory"
    try:
        start = time.perf_counter()
        claims = make_claims(options.claims, max(1, options.claims // 5))
        quantities = claims.groupby(KEY).ngroups
        write_files(claims, folder, options.files, with_library=options.write_claims)
        del claims
        made = time.perf_counter() - start
        on_disk = sum(path.stat().st_size for path in folder.iterdir())
        print(
            f"{options.claims:,} claims over {quantities:,} quantities in {options.files} files "
            f"({on_disk / 2**20:.0f} MiB, made in {made:.1f} s) under {work}"
        )

        dask_report = on_dask(folder, dask_out, options)
        error = dask_report["error"]
        print(
            f"Dask: {options.workers} workers x 1 thread, {options.memory_limit} each, "
            f"{dask_report['partitions']} partitions out"
        )
        print(f"Dask wall time (read, reconcile, write 3 tables): {dask_report['seconds']:8.1f} s")
        if error is not None:
            print(f"Dask run FAILED: {type(error).__name__}: {error}")
        print(f"workers killed or restarted: {'yes' if dask_report['killed'] else 'no'}")
        for how, what in dask_report["restarted"].items():
            print(f"  {how}: {what}")
        for line in dask_report["trouble"][:40]:
            print(f"  log: {line}")
        if len(dask_report["trouble"]) > 40:
            print(f"  ... and {len(dask_report['trouble']) - 40} more log lines")
        print("peak worker memory:")
        for name, peak in sorted(dask_report["peak (scheduler)"].items()):
            spilled = dask_report["spilled to disk (max)"].get(name, 0)
            print(
                f"  worker {name}: {gib(peak)} resident (scheduler's samples), {gib(spilled)} spilled to disk"
            )
        for address, peak in sorted(dask_report["worker peak (VmHWM)"].items()):
            print(f"  worker {address}: {gib(peak)} peak resident (VmHWM) of the worker process now running")
        for address, peak in sorted(dask_report["resident peaks"].items()):
            print(
                f"  worker {address}: {gib(peak['VmRSS'])} resident at most in /proc every 10 ms "
                f"(anonymous {gib(peak.get('RssAnon', 0))}, file-backed {gib(peak.get('RssFile', 0))}), "
                f"{peak['seconds in']:.1f} s in, during: {', '.join(peak['running']) or 'no task'}"
            )
        terminate, limit = gib(dask_report["terminate at"]), gib(dask_report["memory limit"])
        print(
            f"  (the nanny ends a worker whose resident size it sees above {terminate}, "
            f"of a {limit} limit; a worker killed takes its VmHWM with it)"
        )
        print(f"  paused for memory: {dask_report['paused'] or 'none'} ({dask_report['samples']} samples)")
        if dask_report["worker lines"]:
            print(f"  worker log lines on memory or trouble: {len(dask_report['worker lines'])}, the last:")
            for line in dask_report["worker lines"][-10:]:
                print(f"    {line}")
        print(
            f"tasks: {sum(dask_report['runs'].values()):,}; the {options.files} files read "
            f"{dask_report['file reads']} times; {dask_report['shuffles']} shuffles"
        )
        print("worker compute time by task prefix (the largest):")
        largest = sorted(dask_report["busy"].items(), key=lambda item: -item[1])[:8]
        for prefix, spent in largest:
            print(f"  {prefix:<40} {spent:8.1f} s in {dask_report['runs'][prefix]:,} tasks")
        if error is not None:
            raise error

        seconds, result = in_memory(folder, memory_out)
        steps = ", ".join(f"{step} {seconds[step]:.1f}" for step in ("read", "reconcile", "write"))
        print(f"in-memory wall time (read, reconcile, write 3 tables): {seconds['total']:8.1f} s ({steps})")
        print(f"Dask / in-memory: {dask_report['seconds'] / seconds['total']:.2f}x")

        found = compare(dask_out, result)
        print(f"identical estimates: {'yes' if found['estimates identical'] else 'no'}")
        for what, value in found.items():
            if what == "estimates identical" or value == "":
                continue
            print(
                f"  {what} (Dask, in memory): {value}" if isinstance(value, tuple) else f"  {what}: {value}"
            )
    finally:
        if options.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
