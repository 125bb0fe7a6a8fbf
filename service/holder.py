"""Loading the index from the store and swapping in a newer one while requests go on.

The store is opened read-only and only for as long as loading takes; while a batch run holds it for
writing, the open fails and the service keeps answering from the index it has, and tries again."""

from __future__ import annotations

import gc
import logging
import threading

import duckdb

from linkage.errors import LinkageError
from linkage.model import model_digest, resolve_model
from linkage.store import latest_complete_run, load_current, run_model, store_connection
from service.index import INDEX_COLUMNS, PersonIndex
from service.intake import replay
from service.servicedb import ServiceDb
from service.settings import ServiceSettings

log = logging.getLogger("linkage.service")


class IndexHolder:
    def __init__(self, settings: ServiceSettings, db: ServiceDb):
        self.settings = settings
        self.db = db
        self.current: PersonIndex | None = None
        self.model: str | None = None  # the version answering, for /readyz
        self.last_error: str | None = None
        # Held by every write to the index and by the swap: a record added while a new index is
        # built is in the service db before the new index replays it, or goes into the new one.
        self.write_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def load(self) -> PersonIndex:
        con = store_connection(self.settings.db, read_only=True)
        try:
            current = load_current(con, columns=INDEX_COLUMNS, with_pairs=False)
            # no version named: answer as the run scored, with the model it trained on its input if it did
            kept = None if self.settings.model else run_model(con)
        finally:
            con.close()
        model = kept or resolve_model(self.settings.model)
        index = PersonIndex.build(current, model)
        with self.write_lock:
            replay(index, self.db)  # records added through the API that this run has not taken in
            self.current = index  # one reference assignment: requests in flight keep the old one
            self.model = f"{model.meta.name} [{model_digest(model)}]"
        # The index is millions of long-lived objects; a full cyclic collection walking them stalled
        # requests for seconds. Freeze them out of the collector (reference counting still frees an
        # index that is swapped out: it holds no cycles).
        gc.collect()
        gc.freeze()
        self.last_error = None
        log.info("index of run %s loaded: %s records", index.run_id, index.size)
        return index

    def latest_run(self) -> int | None:
        try:
            con = store_connection(self.settings.db, read_only=True, wait_seconds=0)
        except LinkageError:
            return None  # a batch run is writing: try later
        try:
            return latest_complete_run(con)
        except duckdb.Error:
            return None
        finally:
            con.close()

    def refresh(self) -> bool:
        """Load a newer complete run if there is one; True if the index changed."""
        latest = self.latest_run()
        if latest is None or (self.current is not None and latest <= self.current.run_id):
            return False
        try:
            self.load()
            return True
        except (LinkageError, duckdb.Error) as e:
            self.last_error = str(e)
            log.warning("index reload failed, still serving the previous one: %s", e)
            return False

    def start_watching(self) -> None:
        def loop() -> None:
            while not self._stop.wait(self.settings.reload_seconds):
                try:
                    self.refresh()
                except Exception as e:  # noqa: BLE001 - the watcher must outlive any one failed reload
                    self.last_error = f"{type(e).__name__}: {e}"
                    log.exception("index reload failed unexpectedly, still serving the previous one")

        self._thread = threading.Thread(target=loop, name="index-reload", daemon=True)
        self._thread.start()

    @property
    def watching(self) -> bool:
        """False when a reload thread was started and is no longer running."""
        return self._thread is None or self._thread.is_alive() or self._stop.is_set()

    def stop(self) -> None:
        self._stop.set()
