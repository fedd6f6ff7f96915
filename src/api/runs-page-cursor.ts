/**
 * The runs page's view of a sync's cursor (src/sync/rewind.ts): where its next run reads from, and a form to move it
 * back. The form is a POST like the page's other buttons, so it carries the same CSRF token and goes through the
 * same check (runs-page.ts); its outcome comes back as a fixed notice, never as text from the request.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SyncDefinition } from '../sync/definition.ts';
import { RewindTimeError, RunInProgressError, cursorState, rewindCursor, type CursorState } from '../sync/rewind.ts';
import type { AppDeps } from './deps.ts';
import { withDeadline } from './errors.ts';
import { RewindBody } from './routes/cursor.ts';
import { RUNS_PATH, button, escapeHtml, href, when } from './runs-page-html.ts';

export { cursorState };

/** A cursor in a table cell: the instant the next run reads from. */
export function readsFrom(state: CursorState): string {
  if (!state.incremental) return 'all (full scan)';
  return state.readsFrom === null ? 'the start' : when(state.readsFrom);
}

/** The sync page's cursor section: where the next run reads from, and the rewind form. */
export function cursorSection(state: CursorState, csrf: string): string {
  const path = `${RUNS_PATH}/${state.sync}/rewind`;
  const now = !state.incremental
    ? 'Its source cannot be read from a time: every run reads all of it, and the diff writes only what changed.'
    : `The next run reads the records updated ${state.readsFrom === null ? 'from the start' : `since <strong>${escapeHtml(when(state.readsFrom))}</strong> (<code>${escapeHtml(state.readsFrom)}</code>)`}.`;
  return `<h2 id="cursor">Cursor</h2>
<p>${now}</p>
<p class="muted">A rewind moves it back: the next run re-reads the records updated since then, and writes only those whose body changed. Refused while a run of this sync is in progress.</p>
<form class="inline" method="post" action="${escapeHtml(path)}"><input type="hidden" name="csrf" value="${escapeHtml(csrf)}"><label>Rewind to <input name="to" placeholder="2026-11-30T22:00:00Z" size="26" required></label> <button type="submit">Rewind</button></form>
${button(path, 'Rewind to the start', csrf, { to: 'start' })}`;
}

/** The notice after the rewind form (fixed words; the time is the one the server stored). */
export function rewindNotice(query: Record<string, unknown>): string | null {
  switch (query['done']) {
    case 'rewound': {
      const to = typeof query['to'] === 'string' && !Number.isNaN(Date.parse(query['to'])) ? when(query['to']) : 'the start';
      return `Cursor moved back: the next run reads the records updated ${to === 'the start' ? 'from the start' : `since ${to}`}.`;
    }
    case 'rewind_busy':
      return 'Not rewound: a run of this sync is in progress, and its end would overwrite the cursor. Rewind once it has finished.';
    case 'rewind_future':
      return 'Not rewound: that time is in the future.';
    case 'rewind_bad_time':
      return 'Not rewound: give a time with its zone, like 2026-11-30T22:00:00Z, or rewind to the start.';
    default:
      return null;
  }
}

/**
 * `POST /admin/runs/:sync/rewind` (form field `to`: an ISO time or "start"). `check` is the page's CSRF check and
 * `syncOf` its lookup (404 for an unknown sync).
 */
export function registerRewindForm(
  app: FastifyInstance,
  deps: AppDeps,
  check: (request: FastifyRequest, form: Record<string, unknown>) => void,
  syncOf: (deps: AppDeps, name: unknown) => SyncDefinition,
): void {
  app.post(`${RUNS_PATH}/:sync/rewind`, { schema: { hide: true } }, async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, unknown>;
    check(request, form);
    const sync = syncOf(deps, (request.params as { sync?: unknown }).sync);
    const back = (query: Record<string, string>) => reply.redirect(`${href(`${RUNS_PATH}/${sync.name}`, query)}#cursor`, 303);
    const to = RewindBody.shape.to.safeParse(typeof form['to'] === 'string' ? form['to'].trim() : '');
    if (!to.success) return back({ done: 'rewind_bad_time' });
    try {
      const result = await withDeadline(rewindCursor(deps.engine.ctx, sync, to.data), deps.dashboardDeadlineMs ?? 2_000);
      return back({ done: 'rewound', to: result.readsFrom ?? 'start' });
    } catch (error) {
      if (error instanceof RunInProgressError) return back({ done: 'rewind_busy' });
      if (error instanceof RewindTimeError) return back({ done: 'rewind_future' });
      throw error;
    }
  });
}

