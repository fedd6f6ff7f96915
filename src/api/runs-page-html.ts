/**
 * The HTML of the runs page (src/api/runs-page.ts): plain server-rendered markup, no script, no build step. Every
 * value that came from a provider, a file or a request is escaped here, in one place.
 */
import type { DefinitionsStatus } from '../bootstrap/live-definitions.ts';
import { formatFileIssue } from '../errors.ts';
import type { RunView } from './schemas.ts';

export const RUNS_PATH = '/admin/runs';

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Query strings of our own links, encoded. */
export function href(path: string, query: Record<string, string | number | undefined> = {}): string {
  const params = Object.entries(query).filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '');
  return params.length === 0 ? path : `${path}?${new URLSearchParams(params.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1d1d1f}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f5f5f7}td.n{text-align:right;font-variant-numeric:tabular-nums}nav a{margin-right:1rem}form.inline{display:inline;margin:0}
button{padding:.25rem .6rem;cursor:pointer}.SUCCESS{color:#0a7d32}.PARTIAL_SUCCESS{color:#9a6700}.FAILURE{color:#b00020}.PENDING{color:#0b5cad}
.notice{background:#eef6ff;border:1px solid #b6d4fe;padding:.5rem;margin:1rem 0}.alert{background:#fff4f4;border:1px solid #f5b5b5;padding:.5rem;margin:1rem 0}.muted{color:#6e6e73}code{font-size:.85rem}.value{max-width:18rem;overflow-wrap:anywhere}`;

/** A page: title, navigation, an optional notice and, while a run is in progress, a refresh every 5 s. */
export function layout(title: string, body: string, options: { refresh?: boolean; notice?: string | null } = {}): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · crm-bridge</title>
<meta name="viewport" content="width=device-width, initial-scale=1">${options.refresh ? '\n<meta http-equiv="refresh" content="5">' : ''}
<style>${STYLE}</style></head><body>
<nav><a href="${RUNS_PATH}">Runs</a><a href="/admin/queues">Queues (bull-board)</a><a href="/docs">API</a>
<form class="inline" method="post" action="/admin/logout"><button type="submit">Sign out</button></form></nav>
<h1>${escapeHtml(title)}</h1>
${options.notice ? `<p class="notice" role="status">${escapeHtml(options.notice)}</p>` : ''}
${body}
</body></html>`;
}

/** A POST button carrying the CSRF token; `fields` become hidden inputs. */
export function button(action: string, label: string, csrf: string, fields: Record<string, string> = {}): string {
  const hidden = Object.entries({ ...fields, csrf }).map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('');
  return `<form class="inline" method="post" action="${escapeHtml(action)}">${hidden}<button type="submit">${escapeHtml(label)}</button></form>`;
}

export function table(headers: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="muted">${escapeHtml(empty)}</p>`;
  const head = headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${rows.map((r) => `<tr>${r.join('')}</tr>`).join('\n')}\n</tbody></table>`;
}

/** A cell: escaped text, or `raw` markup built by this module. */
export const td = (text: unknown, className?: string) => `<td${className ? ` class="${className}"` : ''}>${escapeHtml(text)}</td>`;
export const rawTd = (html: string, className?: string) => `<td${className ? ` class="${className}"` : ''}>${html}</td>`;

export function status(value: string): string {
  return `<strong class="${escapeHtml(value)}">${escapeHtml(value)}</strong>`;
}

/** `1 min 5 s`, `850 ms`; empty for a run still going. */
export function duration(fromIso: string, toIso: string | null): string {
  if (toIso === null) return '';
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1_000) return `${ms} ms`;
  const s = Math.round(ms / 1_000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** Timestamps as UTC, second precision: what an operator compares with logs. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * Which definition files are in use, and, while edited files on disk are invalid, a banner listing their issues
 * (the previous definitions stay in use until the files are fixed).
 */
export function definitionsBanner(definitions: DefinitionsStatus): string {
  const loaded = `<p class="muted">Definitions <code>${escapeHtml(definitions.hash)}</code> loaded ${escapeHtml(when(definitions.loadedAt))}</p>`;
  if (definitions.issues.length === 0) return loaded;
  const n = definitions.issues.length;
  const items = definitions.issues.map((issue) => `<li><code>${escapeHtml(formatFileIssue(issue))}</code></li>`).join('');
  return `<div class="alert" role="alert"><strong>The edited definition files are invalid (${n} issue${n === 1 ? '' : 's'}): the previous definitions stay in use.</strong><ul>${items}</ul></div>\n${loaded}`;
}

/** The count columns of a run, in the words of its counts. */
export const COUNT_HEADERS = ['Pulled', 'Created', 'Updated', 'Unchanged', 'Rejected', 'Failed'];
export function countCells(run: RunView): string[] {
  const c = run.counts;
  return [c.pulled, c.created, c.updated, c.unchanged, c.rejected, c.failed].map((n) => td(n, 'n'));
}

/** Previous / next links of a paged list. */
export function pager(path: string, query: Record<string, string | undefined>, offset: number, limit: number, total: number, param = 'offset'): string {
  if (total <= limit) return '';
  const links: string[] = [];
  if (offset > 0) links.push(`<a href="${escapeHtml(href(path, { ...query, [param]: Math.max(0, offset - limit) }))}">← newer</a>`);
  if (offset + limit < total) links.push(`<a href="${escapeHtml(href(path, { ...query, [param]: offset + limit }))}">older →</a>`);
  return `<p>${offset + 1}–${Math.min(total, offset + limit)} of ${total} ${links.join(' ')}</p>`;
}
