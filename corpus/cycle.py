"""The crawl stage, the settings components, and the scheduled cycle behind ``newscorpus run``.

This is the one corpus module (with the CLI and the demo) that may import the crawler: it declares
the crawl stage and lists every component's settings. The cycle is a list of stages
(crawl → extract → dedup → health → report [→ release]) run by ``run_cycle`` under one workspace
lock and one ``runs`` row (stage 'run'), each stage with its own row pointing at it. A failed stage
stops the cycle and everything earlier stages stored stays (each stage commits as it goes and
resumes where it stopped); alerts (a site down, an outlet degraded) make it 'degraded' (exit 3).
Each cycle is also logged to ``logs/run-*.log``.
"""

from __future__ import annotations

import json
import multiprocessing
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from corpus import runs
from corpus.errors import NewscorpusError, SettingError, user_errors
from corpus.runlock import RunLock
from corpus.runs import RunRecord
from corpus.settings import Component, EffectiveSettings, dataclass_builder
from corpus.stage import Stage, StageContext, begin, execute, open_workspace
from corpus.stages import DEDUP, EXTRACT, HEALTH, RELEASE, REPORT
from corpus.store import utc_now
from corpus.workspace import Workspace


# Settings components ----------------------------------------------------------------------------

def settings_components() -> list[Component]:
    """Every component's defaults and validation, in the order ``config`` lists them."""
    import cleaners.settings as cleaners_settings
    import corpus.dedup.settings as dedup_settings
    import corpus.executors as executors
    import corpus.health as health_settings
    import corpus.release.settings as release_settings
    import corpus.report.settings as report_settings
    from crawler import config as crawler_config

    def fields_of(cls, module, prefix):
        from dataclasses import fields

        return {prefix + f.name.upper(): getattr(module, prefix + f.name.upper())
                for f in fields(cls) if hasattr(module, prefix + f.name.upper())}

    return [
        crawler_config.component(),
        Component("cleaners", fields_of(cleaners_settings.CleanerSettings, cleaners_settings, "CLEANERS_"),
                  dataclass_builder(cleaners_settings.CleanerSettings, "CLEANERS_")),
        Component("dedup", fields_of(dedup_settings.DedupSettings, dedup_settings, "DEDUP_"),
                  dataclass_builder(dedup_settings.DedupSettings, "DEDUP_")),
        Component("health", fields_of(health_settings.HealthSettings, health_settings, "HEALTH_"),
                  dataclass_builder(health_settings.HealthSettings, "HEALTH_")),
        Component("release", fields_of(release_settings.ReleaseSettings, release_settings, "RELEASE_"),
                  release_settings.ReleaseSettings.from_values),
        Component("report", fields_of(report_settings.ReportSettings, report_settings, "REPORT_"), _build_report),
        Component("executor", executors.DEFAULTS, executors.ExecutorSettings.from_values),
    ]


def _build_report(values: dict):
    from corpus.report.settings import ReportSettings

    try:
        return dataclass_builder(ReportSettings, "REPORT_")(values)
    except ValueError as error:  # its messages name fields: name the settings instead
        raise ValueError(re.sub(r"report setting (\w+)", lambda m: f"setting REPORT_{m.group(1).upper()}",
                                str(error))) from None


# The crawl stage -------------------------------------------------------------------------------

@dataclass
class CrawlJob:
    """What the crawl stage crawls: ``crawler.run.run_crawl`` arguments (picklable)."""

    sites: list
    options: dict = field(default_factory=dict)


def crawl_job(options: dict, overrides: dict | None = None) -> CrawlJob:
    """The sites and ``run_crawl`` arguments the crawl options ask for.

    Raises:
        SettingError: nothing to crawl (a usage error).
        NewscorpusError: a site file or option is invalid.
    """
    from crawler.sites import SiteConfigError, adhoc_site, load_site

    with user_errors(SiteConfigError):
        sites = [load_site(path, options.get("base_url")) for path in options.get("site_files") or ()]
        if options.get("start_url") or options.get("sitemap") or options.get("feed"):
            sites.append(adhoc_site(options.get("start_url") or (), options.get("sitemap") or (),
                                    options.get("feed") or (), options.get("allow_domain") or ()))
    if not sites:
        raise SettingError("nothing to crawl: give --site FILE or --start-url/--sitemap/--feed URL")
    return CrawlJob(sites, dict(since=options.get("since"), until=options.get("until"),
                                revisit_after=options.get("revisit_after"), max_pages=options.get("max_pages"),
                                verbose=bool(options.get("verbose")), overrides=overrides or {}))


def _crawl(context: StageContext) -> dict:
    job = context.options.get("job") or crawl_job(context.options, context.settings.changed("crawler"))
    if context.options.get("isolate"):
        run_id, status, stats = _crawl_in_child(context.workspace, job)
    else:
        from crawler.run import run_crawl
        from crawler.sites import SiteConfigError

        with user_errors(SiteConfigError):
            outcome = run_crawl(context.workspace, job.sites, **job.options)
        run_id, status, stats = outcome.run_id, outcome.status, outcome.stats
    return crawl_summary(run_id, status, stats)


def crawl_summary(run_id, status: str, stats: dict) -> dict:
    """The crawl's summary, with an alert when no server answered or most fetches failed.

    Raises:
        NewscorpusError: the crawl stopped before it was done (the next run resumes it).
    """
    if status != "finished":
        raise NewscorpusError(f"the crawl stopped early ({stats.get('finish_reason')}); what it fetched is stored "
                              "and the next crawl resumes it")
    responses = sum(v for k, v in stats.items() if k.startswith("newscorpus/status/"))
    errors = sum(v for k, v in stats.items() if k.startswith("newscorpus/errors/"))
    alerts = []
    if errors and not responses:
        alerts.append(f"no server answered: all {errors} fetches failed "
                      f"({', '.join(k.split('/')[-1] for k in stats if k.startswith('newscorpus/errors/'))}); "
                      "is the site down, or the network?")
    elif errors > responses:
        alerts.append(f"{errors} of {errors + responses} fetches failed; is a site down or blocking the crawler?")
    return {"crawl_run_id": run_id, "finish_reason": stats.get("finish_reason"),
            "fetches": stats.get("newscorpus/fetches", 0), "responses": responses, "fetch_errors": errors,
            "stats": json.loads(json.dumps(stats, default=str)), "alerts": alerts}


def _crawl_child(home: str, job: CrawlJob, results) -> None:
    from crawler.run import run_crawl

    outcome = run_crawl(Workspace(Path(home)), job.sites, **job.options)
    results.send((outcome.run_id, outcome.status, json.loads(json.dumps(outcome.stats, default=str))))


def _crawl_in_child(workspace: Workspace, job: CrawlJob) -> tuple:
    """Crawl in a fresh child process: Scrapy's reactor runs once per process, and the extraction
    workers forked afterwards must not inherit its threads."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_crawl_child, args=(str(workspace.home), job, send), name="newscorpus-crawl")
    child.start()
    send.close()
    try:
        return receive.recv()
    except EOFError:
        raise NewscorpusError("the crawl process died; what it fetched is stored and the next run resumes it") from None
    finally:
        child.join()


def _shares_frontier(settings: EffectiveSettings) -> bool:
    """Crawl workers on one shared frontier may share a workspace (``NEWSCORPUS_FRONTIER_REDIS``)."""
    chosen = settings.settings.get("NEWSCORPUS_FRONTIER_REDIS")
    return bool(chosen and chosen.value)


CRAWL = Stage("crawl", _crawl, components=("crawler",), creates_workspace=True, shares_lock=_shares_frontier)


# The cycle -------------------------------------------------------------------------------------

def cycle_stages(crawl: bool, release: bool) -> list[Stage]:
    """The stages of one cycle, in order."""
    return ([CRAWL] if crawl else []) + [EXTRACT, DEDUP, HEALTH, REPORT] + ([RELEASE] if release else [])


@dataclass
class CycleResult:
    record: RunRecord                                       # the cycle's own row (stage 'run')
    stages: dict[str, dict] = field(default_factory=dict)   # stage -> its summary
    alerts: list[str] = field(default_factory=list)
    failed_stage: str | None = None
    error: NewscorpusError | None = None
    log_path: str = ""


class CycleLog:
    """Stage lines to the terminal and, timestamped, to the run's log file."""

    def __init__(self, path: Path, echo: Callable[[str], None]):
        self.path = path
        self.echo = echo
        self.file = open(path, "a", encoding="utf-8")

    def __call__(self, line: str) -> None:
        self.echo(line)
        self.file.write(f"{utc_now()} {line}\n")
        self.file.flush()

    def close(self) -> None:
        self.file.close()


def run_cycle(workspace: Workspace, settings: EffectiveSettings, options: dict, *, job: CrawlJob | None,
              release: bool = False, echo: Callable[[str], None] = print,
              progress: Callable[[str, int, int], None] | None = None) -> CycleResult:
    """Run one cycle under the workspace lock and record it (one 'run' row, one row per stage).

    Args:
        workspace: the workspace (created if missing, as a crawl would).
        settings: the effective settings, already validated.
        options: the command's options (recorded; stages read theirs: workers, notes, ...).
        job: what to crawl; None skips crawling.
        release: also make a release at the end.
        echo: where progress lines go (besides the log file).

    Raises:
        WorkspaceBusy: another run holds the workspace; nothing was done.
    """
    stages = cycle_stages(job is not None, release)
    open_workspace(stages[0], workspace)
    with RunLock(workspace.lock_path), workspace.open_store() as store:
        started = datetime.now(timezone.utc)
        log = CycleLog(workspace.logs_dir / f"run-{started:%Y%m%dT%H%M%SZ}.log", echo)
        try:
            record = begin(store, "run", settings, {**options, "log_path": str(log.path)},
                           components=tuple(c for stage in stages for c in stage.components))
            result = CycleResult(record, log_path=str(log.path))
            log(f"run {record.id}: log in {log.path}")
            stage_options = {**options, "job": job, "isolate": True, "notes": options.get("notes")}
            for stage in stages:
                log(f"[{stage.name}] starting")
                child = begin(store, stage.name, settings, {k: v for k, v in options.items() if k != "job"},
                              components=stage.components, parent_id=record.id)
                context = StageContext(workspace, store, settings, options=stage_options, echo=log, warn=log,
                                       record=child, results=result.stages)
                if progress:
                    context.progress = progress
                try:
                    result.stages[stage.name] = summary = execute(stage, context, child)
                except NewscorpusError as error:
                    result.failed_stage, result.error = stage.name, error
                    log(f"[{stage.name}] FAILED: {error}")
                    with store.transaction() as db:
                        runs.finish(db, record, "failed", summary=result.stages, error=f"{stage.name}: {error}")
                    return result
                result.alerts += summary.get("alerts") or []
                log(f"[{stage.name}] {'degraded' if summary.get('alerts') else 'done'}: {brief(summary)}")
            for alert in result.alerts:
                log(f"WARNING site health: {alert}")
            with store.transaction() as db:
                runs.finish(db, record, "degraded" if result.alerts else "finished",
                            summary={**result.stages, "alerts": result.alerts})
            log(f"run {record.id} {record.status}")
            return result
        finally:
            log.close()


def brief(summary) -> str:
    """A stage summary's numbers and short strings on one line."""
    if not isinstance(summary, dict):
        return str(summary)
    shown = {key: value for key, value in summary.items()
             if isinstance(value, (int, float, str)) and value != "" and len(str(value)) < 120}
    return ", ".join(f"{key} {value}" for key, value in list(shown.items())[:8])
