/**
 * The runs page at /admin/runs: what an operator asks after a night of syncs. Did the runs succeed, which records
 * failed and why, retry them, start a run. Server-rendered HTML that reads without JavaScript.
 *
 * Authentication is the dashboard's: /admin/* goes through the root auth hook (src/api/auth.ts), which accepts the
 * sign-in cookie of /admin/login or a bearer header. The state-changing buttons are POST forms; with the cookie
 * they must carry a token derived from the session id (unknowable to another site, and the cookie is
 * SameSite=Strict besides), and a request a browser marks as cross-site is refused outright.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SYNC_QUEUE } from '../queues/contracts.ts';
import type { SyncDefinition } from '../sync/definition.ts';
import { SESSION_COOKIE, readCookie } from './auth.ts';
import type { ApiApp, AppDeps } from './deps.ts';
import { ApiError, ApiErrorCode, withDeadline } from './errors.ts';
import { newJobId } from './idempotency.ts';
import { runView } from './job-view.ts';
import { COUNT_HEADERS, RUNS_PATH, button, countCells, definitionsBanner, duration, escapeHtml, href, layout, pager, rawTd, status, table, td, when } from './runs-page-html.ts';
import { JobId, SyncName } from './schemas.ts';
import { cursorSection, cursorState, readsFrom, registerRewindForm, rewindNotice } from './runs-page-cursor.ts';

export { RUNS_PATH };

const RUNS_PER_PAGE = 20;
const ERRORS_PER_PAGE = 50;
/** Errors a reason filter looks through: a run keeps at most 1000; a sync's failed records are read whole. */
const FILTER_SCAN = 5_000;

/** The CSRF token of a signed-in browser: a digest of its session id (the cookie's value, which only it holds). */
export function csrfToken(request: FastifyRequest): string {
  const session = readCookie(request.headers.cookie, SESSION_COOKIE);
  return session === null ? '' : createHash('sha256').update(`crm-bridge runs-page\0${session}`).digest('base64url');
}

function checkForm(request: FastifyRequest, form: Record<string, unknown>): void {
  if (request.headers['sec-fetch-site'] === 'cross-site') throw forbidden();
  // A bearer header is not sent by a browser on its own: no cross-site request can carry one.
  if (typeof request.headers.authorization === 'string') return;
  const expected = Buffer.from(csrfToken(request));
  const given = Buffer.from(typeof form['csrf'] === 'string' ? form['csrf'] : '');
  if (expected.length === 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) throw forbidden();
}

const forbidden = () => new ApiError(403, ApiErrorCode.VALIDATION, 'this form is stale or came from another site: reload the runs page and try again');

function syncOf(deps: AppDeps, name: unknown): SyncDefinition {
  const parsed = SyncName.safeParse(name);
  const sync = parsed.success ? deps.engine.syncs.get(parsed.data) : undefined;
  if (!sync) throw new ApiError(404, ApiErrorCode.NOT_FOUND, `no sync named "${String(name)}"`);
  return sync;
}

const numberParam = (value: unknown, max = 100_000) => {
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 && n <= max ? n : 0;
};
const textParam = (value: unknown) => (typeof value === 'string' ? value.trim().slice(0, 200) : '');

/** A connection name from the query ('' when absent or not a name). */
const connectionParam = (value: unknown) => (typeof value === 'string' && /^[a-z0-9][a-z0-9-]{0,62}$/.test(value) ? value : '');

/** A GET form's select of connections ("all" first), kept beside the other filter fields. */
function connectionSelect(connections: readonly string[], selected: string): string {
  const options = ['', ...connections].map((c) => `<option value="${escapeHtml(c)}"${c === selected ? ' selected' : ''}>${c === '' ? 'all' : escapeHtml(c)}</option>`);
  return `<label>Connection <select name="connection">${options.join('')}</select></label>`;
}

/** A record error passes the page's filters: its reason contains `reason`, its target is `connection` (either empty: any). */
function matches(error: { reason: string; target: string }, reason: string, connection: string): boolean {
  return (reason === '' || error.reason.toLowerCase().includes(reason.toLowerCase())) && (connection === '' || error.target === connection);
}

/** The notices a redirect after a button may show: fixed words, the job id escaped. */
function noticeOf(query: Record<string, unknown>): string | null {
  const job = typeof query['job'] === 'string' ? query['job'].slice(0, 200) : '';
  switch (query['done']) {
    case 'started':
      return `Run ${job} started.`;
    case 'retrying':
      return `Retry ${job} started: it re-reads the failed records at the source, maps and writes them again.`;
    case 'nothing':
      return 'Nothing to retry: no record of this sync is failed now.';
    default:
      return rewindNotice(query);
  }
}

function schedule(sync: SyncDefinition): string {
  if (!sync.schedule) return 'on demand';
  if (!('every' in sync.schedule)) return `cron ${sync.schedule.cron} (${sync.schedule.tz ?? 'UTC'})`;
  const ms = sync.schedule.every;
  const [unit, size] = ms % 86_400_000 === 0 ? ['d', 86_400_000] : ms % 3_600_000 === 0 ? ['h', 3_600_000] : ms % 60_000 === 0 ? ['min', 60_000] : ['s', 1_000];
  return `every ${ms / (size as number)} ${unit as string}`;
}

export async function registerRunsPage(app: ApiApp, deps: AppDeps): Promise<void> {
  await app.register(async (scope: FastifyInstance) => runsPage(scope, deps));
}

async function runsPage(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { engine } = deps;
  const deadline = <T>(work: Promise<T>) => withDeadline(work, deps.dashboardDeadlineMs ?? 2_000);
  const html = (reply: FastifyReply, page: string) => reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  /** A run a button just started that has not finished (or not even opened its ledger yet): the page refreshes. */
  const startedNotFinished = async (query: Record<string, unknown>) => {
    const job = JobId.safeParse(query['job']);
    if (!job.success) return false;
    const run = await deadline(engine.ledger.get(job.data));
    return run === null || run.status === 'PENDING';
  };

  /** Every sync: schedule, next and last run, records failed now, and its buttons. */
  app.get(RUNS_PATH, { schema: { hide: true } }, async (request, reply) => {
    const csrf = csrfToken(request);
    const queue = engine.queues.queue(SYNC_QUEUE);
    const connection = connectionParam((request.query as Record<string, unknown>)['connection']);
    const uses = (sync: SyncDefinition) => connection === '' || [sync.source.connection, ...sync.targets.map((t) => t.connection)].includes(connection);
    const connectionLink = (name: string) => `<a href="${escapeHtml(href(RUNS_PATH, { connection: name }))}">${escapeHtml(name)}</a>`;
    const rows = await deadline(
      Promise.all(
        [...engine.syncs.values()].filter(uses).map(async (sync) => {
          const [scheduler, last, failed, cursor] = await Promise.all([
            sync.schedule ? queue.getJobScheduler(sync.name) : null,
            engine.ledger.runs(sync.name, 0, 1),
            engine.ctx.redis.hlen(engine.ctx.keys.failed(sync.name)),
            cursorState(engine.ctx, sync),
          ]);
          const lastRun = last.runs[0] ? runView(last.runs[0]) : null;
          const next = typeof scheduler?.next === 'number' ? new Date(scheduler.next).toISOString() : null;
          const path = `${RUNS_PATH}/${sync.name}`;
          return [
            rawTd(`<a href="${escapeHtml(path)}">${escapeHtml(sync.name)}</a>${sync.enabled ? '' : ' <span class="muted">(disabled)</span>'}`),
            rawTd(`${connectionLink(sync.source.connection)} → ${sync.targets.map((t) => connectionLink(t.connection)).join(', ')}`),
            td(schedule(sync)),
            td(when(next)),
            lastRun
              ? rawTd(`<a href="${escapeHtml(`${path}/${lastRun.job_id}`)}">${status(lastRun.status)}</a> ${escapeHtml(when(lastRun.finished_at ?? lastRun.created_at))}<br><span class="muted">pulled ${lastRun.counts.pulled} · written ${lastRun.counts.pushed} · rejected ${lastRun.counts.rejected} · failed ${lastRun.counts.failed}</span>`)
              : td('never'),
            rawTd(failed > 0 ? `<a href="${escapeHtml(`${path}#failed`)}">${failed}</a>` : '0', 'n'),
            rawTd(`<a href="${escapeHtml(`${path}#cursor`)}">${escapeHtml(readsFrom(cursor))}</a>`),
            rawTd(`${button(`${path}/start`, 'Run now', csrf)} ${failed > 0 ? button(`${path}/retry`, `Retry ${failed} failed`, csrf) : ''}`),
          ];
        }),
      ),
    );
    const connectionFilter = `<form method="get" action="${RUNS_PATH}">${connectionSelect(engine.ctx.connectors.names().sort(), connection)} <button type="submit">Filter</button>${connection ? ` <a href="${RUNS_PATH}">all syncs</a>` : ''}</form>`;
    const body = `${deps.definitions ? definitionsBanner(deps.definitions.status()) : ''}${connectionFilter}\n${table(['Sync', 'Connections', 'Schedule', 'Next run', 'Last run', 'Failed now', 'Reads from', ''], rows, connection ? `No sync reads from or writes to ${connection}.` : 'No syncs are loaded (jobs/*.yaml).')}`;
    return html(reply, layout('Runs', body, { notice: noticeOf(request.query as Record<string, unknown>) }));
  });

  /** One sync: its last runs, and its records failed now with a retry per record and for all. */
  app.get(`${RUNS_PATH}/:sync`, { schema: { hide: true } }, async (request, reply) => {
    const sync = syncOf(deps, (request.params as { sync?: unknown }).sync);
    const query = request.query as Record<string, unknown>;
    const offset = numberParam(query['offset']);
    const errorsOffset = numberParam(query['errors_offset']);
    const reason = textParam(query['reason']);
    const connection = connectionParam(query['connection']);
    const csrf = csrfToken(request);
    const path = `${RUNS_PATH}/${sync.name}`;
    const [runs, failed] = await deadline(Promise.all([engine.ledger.runs(sync.name, offset, RUNS_PER_PAGE), engine.ledger.currentErrors(sync.name, 0, FILTER_SCAN)]));
    const views = runs.runs.map(runView);
    const runRows = views.map((run, i) => [
      rawTd(`<a href="${escapeHtml(`${path}/${run.job_id}`)}"><code>${escapeHtml(run.job_id)}</code></a>`),
      // Who started it (schedule, api, cli, start, retry, webhook), not the job's kind: every manual run is a sync-run.
      td(runs.runs[i]?.trigger ?? run.kind),
      rawTd(status(run.status)),
      ...countCells(run),
      td(when(run.created_at)),
      td(when(run.finished_at)),
      td(duration(run.created_at, run.finished_at), 'n'),
      td(run.reason ?? ''),
    ]);
    const matching = failed.errors.filter((e) => matches(e, reason, connection));
    const shown = matching.slice(errorsOffset, errorsOffset + ERRORS_PER_PAGE);
    const errorRows = shown.map((e) => [
      rawTd(`<code>${escapeHtml(e.sourceId)}</code>`),
      td(e.target),
      td(e.code ?? ''),
      td(e.path),
      td(e.reason),
      td(e.value === undefined ? '' : JSON.stringify(e.value), 'value'),
      rawTd(e.runId ? `<a href="${escapeHtml(`${path}/${e.runId}`)}">${escapeHtml(when(e.at))}</a>` : escapeHtml(when(e.at))),
      rawTd(button(`${path}/retry`, 'Retry', csrf, { source_id: e.sourceId, back: path })),
    ]);
    const filter = `<form method="get" action="${escapeHtml(path)}"><label>Reason contains <input name="reason" value="${escapeHtml(reason)}"></label> ${connectionSelect(sync.targets.map((t) => t.connection), connection)} <button type="submit">Filter</button>${reason || connection ? ` <a href="${escapeHtml(path)}#failed">clear</a>` : ''}</form>`;
    const filtered = { reason: reason || undefined, connection: connection || undefined };
    const body = `<p>${escapeHtml(`${sync.source.connection} → ${sync.targets.map((t) => `${t.connection} (${t.mapping.name}, ${t.mode})`).join(', ')}`)} · ${escapeHtml(schedule(sync))}</p>
<p>${button(`${path}/start`, 'Run now', csrf)} ${button(`${path}/start`, 'Full resync', csrf, { full: '1' })}</p>
<h2>Runs</h2>
${table(['Run', 'Trigger', 'Status', ...COUNT_HEADERS, 'Started', 'Finished', 'Took', 'Reason'], runRows, 'No runs yet.')}
${pager(path, filtered, offset, RUNS_PER_PAGE, runs.total)}
${cursorSection(await deadline(cursorState(engine.ctx, sync)), csrf)}
<h2 id="failed">Failed now (${failed.total})</h2>
<p class="muted">Each record that is failed now, with its last error: rejected by its mapping, or refused by a target. A record leaves this list once a later run writes it.</p>
${failed.total > 0 ? `<p>${button(`${path}/retry`, `Retry all ${failed.total}`, csrf, { back: path })}</p>` : ''}
${filter}
${table(['Source id', 'Target', 'Code', 'Path', 'Reason', 'Value', 'When', ''], errorRows, reason || connection ? 'No failed record matches.' : 'No record is failed now.')}
${pager(path, filtered, errorsOffset, ERRORS_PER_PAGE, matching.length, 'errors_offset')}`;
    return html(reply, layout(`Sync ${sync.name}`, body, { refresh: views.some((r) => r.status === 'PENDING') || (await startedNotFinished(query)), notice: noticeOf(query) }));
  });

  /** One run: counts, reason and its record errors, each marked failed now or resolved since. */
  app.get(`${RUNS_PATH}/:sync/:run`, { schema: { hide: true } }, async (request, reply) => {
    const params = request.params as { sync?: unknown; run?: unknown };
    const sync = syncOf(deps, params.sync);
    const runId = JobId.safeParse(params.run);
    const summary = runId.success ? await deadline(engine.ledger.get(runId.data)) : null;
    if (!runId.success || !summary || summary.sync !== sync.name) throw new ApiError(404, ApiErrorCode.NOT_FOUND, `no run "${String(params.run)}" of sync "${sync.name}"`);
    const run = runView(summary);
    const query = request.query as Record<string, unknown>;
    const offset = numberParam(query['offset']);
    const reason = textParam(query['reason']);
    const connection = connectionParam(query['connection']);
    const csrf = csrfToken(request);
    const path = `${RUNS_PATH}/${sync.name}/${run.job_id}`;
    const { errors } = await deadline(engine.ledger.errors(run.job_id, 0, FILTER_SCAN));
    const matching = errors.filter((e) => matches(e, reason, connection));
    const failedNow = new Set(errors.filter((e) => !e.resolved).map((e) => e.sourceId)).size;
    const shown = matching.slice(offset, offset + ERRORS_PER_PAGE);
    const rows = shown.map((e) => [
      rawTd(`<code>${escapeHtml(e.sourceId)}</code>`),
      td(e.target),
      td(e.code ?? ''),
      td(e.path),
      td(e.reason),
      td(e.value === undefined ? '' : JSON.stringify(e.value), 'value'),
      td(when(e.at)),
      rawTd(!e.resolved ? `failed now ${button(`${RUNS_PATH}/${sync.name}/retry`, 'Retry', csrf, { source_id: e.sourceId, back: path })}` : `<span class="SUCCESS">resolved</span>${e.resolvedAt ? ` ${escapeHtml(when(e.resolvedAt))}` : ''}`),
    ]);
    const bullBoard = `/admin/queues/queue/${encodeURIComponent(SYNC_QUEUE)}/${encodeURIComponent(run.job_id)}`;
    const body = `<p>${status(run.status)} · ${escapeHtml(run.kind)} · started ${escapeHtml(when(run.created_at))}${run.finished_at ? ` · finished ${escapeHtml(when(run.finished_at))} (${escapeHtml(duration(run.created_at, run.finished_at))})` : ` · ${run.progress.percent} %`}
· <a href="${escapeHtml(bullBoard)}">job in bull-board</a> · <a href="${escapeHtml(`${RUNS_PATH}/${sync.name}`)}">all runs of ${escapeHtml(sync.name)}</a></p>
${run.reason ? `<p><strong>Reason:</strong> ${escapeHtml(run.reason)}</p>` : ''}
${table(COUNT_HEADERS, [countCells(run)], '')}
<h2 id="errors">Record errors (${errors.length})</h2>
${failedNow > 0 ? `<p>${button(`${RUNS_PATH}/${sync.name}/retry`, `Retry this run's ${failedNow} failed`, csrf, { run: run.job_id, back: path })}</p>` : ''}
<form method="get" action="${escapeHtml(path)}"><label>Reason contains <input name="reason" value="${escapeHtml(reason)}"></label> ${connectionSelect(sync.targets.map((t) => t.connection), connection)} <button type="submit">Filter</button></form>
${table(['Source id', 'Target', 'Code', 'Path', 'Reason', 'Value', 'When', 'Now'], rows, reason || connection ? 'No error matches.' : 'This run has no record errors.')}
${pager(path, { reason: reason || undefined, connection: connection || undefined }, offset, ERRORS_PER_PAGE, matching.length)}`;
    return html(reply, layout(`Run ${run.job_id}`, body, { refresh: run.status === 'PENDING' || (await startedNotFinished(query)), notice: noticeOf(query) }));
  });

  registerRewindForm(app, deps, checkForm, syncOf);

  app.post(`${RUNS_PATH}/:sync/start`, { schema: { hide: true } }, async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, unknown>;
    checkForm(request, form);
    const sync = syncOf(deps, (request.params as { sync?: unknown }).sync);
    const jobId = await deadline(engine.enqueueRun(sync.name, { full: form['full'] === '1', trigger: 'api' }));
    return reply.redirect(href(`${RUNS_PATH}/${sync.name}`, { done: 'started', job: jobId }), 303);
  });

  /** The records with an error in run `run` of this sync (retryFailed keeps those failed now); null without `run`. */
  const runSourceIds = async (syncName: string, run: unknown): Promise<string[] | null> => {
    if (run === undefined || run === '') return null;
    const runId = JobId.safeParse(run);
    const summary = runId.success ? await deadline(engine.ledger.get(runId.data)) : null;
    if (!runId.success || !summary || summary.sync !== syncName) throw new ApiError(404, ApiErrorCode.NOT_FOUND, `no run "${String(run)}" of sync "${syncName}"`);
    const { errors } = await deadline(engine.ledger.errors(runId.data, 0, FILTER_SCAN));
    return [...new Set(errors.filter((e) => !e.resolved).map((e) => e.sourceId))];
  };

  /** Retries every failed record of the sync, the one named by `source_id`, or those of the run named by `run`. */
  app.post(`${RUNS_PATH}/:sync/retry`, { schema: { hide: true } }, async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, unknown>;
    checkForm(request, form);
    const sync = syncOf(deps, (request.params as { sync?: unknown }).sync);
    const sourceId = typeof form['source_id'] === 'string' && form['source_id'] !== '' ? form['source_id'].slice(0, 512) : null;
    const sourceIds = sourceId !== null ? [sourceId] : await runSourceIds(sync.name, form['run']);
    const jobId = await deadline(engine.retryFailed(sync.name, { jobId: newJobId('retry'), ...(sourceIds === null ? {} : { sourceIds }) }));
    // Back to the page the button was on, when it is one of ours.
    const back = typeof form['back'] === 'string' && /^\/admin\/runs\/[a-z0-9-]+(\/[A-Za-z0-9:_.-]+)?$/.test(form['back']) ? form['back'] : `${RUNS_PATH}/${sync.name}`;
    return reply.redirect(href(back, jobId === null ? { done: 'nothing' } : { done: 'retrying', job: jobId }), 303);
  });
}
