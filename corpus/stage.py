"""The stage contract and the one runner every stage goes through.

A stage (crawl, extract, dedup, health, report, release, takedown, ingest, init) is declared once as a
``Stage``: its name, the settings components it reads, whether it writes, whether it may create the
workspace, and ``run(context) -> summary``. ``run_stage`` then does for every stage what each command
used to do its own way:

- refuses a workspace that does not exist (only stages with ``creates_workspace`` make one);
- takes the workspace lock when the stage writes (``WorkspaceBusy``: exit 75);
- records one row in ``runs`` (stage, options, settings, library versions, pid, host, start, end,
  status, summary, error) and marks rows left 'running' by killed processes;
- turns every failure into one error type (``NewscorpusError``), the traceback of an unexpected one
  kept in ``<home>/logs/<stage>-<run>.log``.

A summary may carry ``alerts``: plain-language warnings that a site is down or degraded. The run is
then recorded 'degraded' and the command exits 3 (``corpus.errors.EXIT_DEGRADED``).

Adding a stage: write ``run(context) -> dict`` in its module, declare a ``Stage`` in
``corpus/stages.py`` (or ``corpus/cycle.py`` when it needs the crawler), and call
``corpus.cli.common.run_stage_command`` from its click command.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Callable

from corpus import runs
from corpus.errors import EXIT_DEGRADED, EXIT_DONE, EXIT_FAILED, NewscorpusError
from corpus.runlock import RunLock
from corpus.runs import RunRecord
from corpus.settings import EffectiveSettings
from corpus.store import Store
from corpus.workspace import Workspace

Progress = Callable[[str, int, int], None]


def _quiet_progress(label: str, done: int, total: int) -> None:
    """Progress nobody watches."""


@dataclass(frozen=True)
class Stage:
    """One step of the pipeline, declared once.

    Args:
        name: the stage's name (and its ``runs.stage``).
        run: ``run(context) -> summary``: does the work, returns a JSON-ready dict; may raise.
        components: the settings components it reads (crawler, cleaners, dedup, release, report, health).
        writes: takes the workspace lock and records a run (False: reads only, no record).
        creates_workspace: may create a missing workspace (crawl, ingest, init); others refuse.
        shares_lock: given the settings, may this run share the workspace with others of its kind
            (crawl workers on one shared frontier)? Then the lock is taken shared: they run side by
            side, every other writer is still excluded, and no running row is taken for killed.

    A stage turns its own user-facing errors into ``NewscorpusError`` (``corpus.errors.user_errors``);
    anything else is a defect, reported with its traceback in the logs.
    """

    name: str
    run: Callable[["StageContext"], dict]
    components: tuple[str, ...] = ()
    writes: bool = True
    creates_workspace: bool = False
    shares_lock: Callable[[EffectiveSettings], bool] | None = None


@dataclass
class StageContext:
    """What a stage gets: the workspace, its open store, the settings, its options, progress and echo."""

    workspace: Workspace
    store: Store
    settings: EffectiveSettings
    options: dict = field(default_factory=dict)
    progress: Progress = _quiet_progress
    echo: Callable[[str], None] = print
    record: RunRecord | None = None
    warn: Callable[[str], None] = print                      # per-item problems (stderr in the CLI)
    results: dict[str, dict] = field(default_factory=dict)   # earlier stages' summaries in a cycle


def exit_code(record: RunRecord) -> int:
    """The command's exit status for a run record (the same for every command)."""
    return {"finished": EXIT_DONE, "degraded": EXIT_DEGRADED}.get(record.status, EXIT_FAILED)


def open_workspace(stage: Stage, workspace: Workspace) -> Workspace:
    """The workspace, created if the stage may create it, else required to exist."""
    return workspace.ensure() if stage.creates_workspace else workspace.require().ensure()


def run_stage(stage: Stage, workspace: Workspace, settings: EffectiveSettings, options: dict | None = None, *,
              progress: Progress | None = None, echo: Callable[[str], None] = print,
              warn: Callable[[str], None] = print) -> RunRecord:
    """Run one stage on its own: workspace checks, lock, run record, one error type.

    Returns:
        The finished run record (status finished or degraded).

    Raises:
        NewscorpusError: the workspace is missing or busy (exit 75), or the stage failed (recorded).
    """
    open_workspace(stage, workspace)
    context = dict(settings=settings, options=dict(options or {}), progress=progress or _quiet_progress, echo=echo,
                   warn=warn)
    if not stage.writes:
        with workspace.open_store(readonly=True) as store:
            summary = execute(stage, StageContext(workspace, store, **context), None)
        return RunRecord(id=0, stage=stage.name, status="finished", started_at="", pid=0, host="", summary=summary)
    shared = bool(stage.shares_lock and stage.shares_lock(settings))
    with RunLock(workspace.lock_path, shared=shared), workspace.open_store() as store:
        record = begin(store, stage.name, settings, context["options"], components=stage.components, alone=not shared)
        execute(stage, StageContext(workspace, store, record=record, **context), record)
        return record


def begin(store: Store, name: str, settings: EffectiveSettings, options: dict, *, components=(),
          parent_id: int | None = None, alone: bool = True) -> RunRecord:
    """Record a run as started (``alone``: the caller holds the lock alone, rows still 'running' were killed)."""
    recorded = {key: value for component in components for key, value in settings.changed(component).items()}
    with store.transaction() as db:
        if parent_id is None and alone:
            runs.mark_killed(db)
        return runs.start(db, name, settings=recorded, options=options, parent_id=parent_id)


def execute(stage: Stage, context: StageContext, record: RunRecord | None) -> dict:
    """Run the stage and close its record; every failure leaves as a ``NewscorpusError``."""
    try:
        summary = stage.run(context)
    except BaseException as error:
        failure = _failure(stage, error, context.workspace, record)
        if record is not None:
            with context.store.transaction() as db:
                runs.finish(db, record, "failed", error=str(failure), detail=traceback.format_exc())
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        raise failure from None
    if record is not None:
        status = "degraded" if summary.get("alerts") else "finished"
        with context.store.transaction() as db:
            runs.finish(db, record, status, summary=summary)
    return summary


def _failure(stage: Stage, error: BaseException, workspace: Workspace, record: RunRecord | None) -> NewscorpusError:
    if isinstance(error, NewscorpusError):
        return error
    if isinstance(error, KeyboardInterrupt):
        return NewscorpusError(f"{stage.name} interrupted; run it again to resume")
    log = workspace.logs_dir / f"{stage.name}-{record.id if record else 'read'}.log"
    try:
        log.write_text(traceback.format_exc(), encoding="utf-8")
        where = f"traceback in {log}"
    except OSError:
        where = "traceback in `newscorpus status --json`"
    return NewscorpusError(f"{stage.name} failed: {type(error).__name__}: {error} ({where}); "
                           "what was stored before stays stored")
