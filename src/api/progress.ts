import type { JobView } from './schemas.ts';

/**
 * One line describing a run in progress, in the words of its counts:
 * `[#####-----]  42%  pulled 120  pushed 40  unchanged 3  rejected 1  failed 2  PENDING`.
 */
export function progressLine(job: JobView, width = 24): string {
  const filled = Math.round((job.progress.percent / 100) * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const c = job.counts;
  return `${bar} ${String(job.progress.percent).padStart(3)}%  pulled ${c.pulled}  pushed ${c.pushed}  unchanged ${c.unchanged}  rejected ${c.rejected}  failed ${c.failed}  ${job.status}`;
}

/**
 * Renders progress on a stream: redrawn in place on a terminal, otherwise one plain line whenever it changes at
 * most every `plainEveryMs` (CI logs stay readable).
 */
export class ProgressRenderer {
  readonly #stream: NodeJS.WriteStream;
  readonly #tty: boolean;
  readonly #plainEveryMs: number;
  #last = '';
  #lastAt = 0;

  constructor(stream: NodeJS.WriteStream, options: { plainEveryMs?: number } = {}) {
    this.#stream = stream;
    this.#tty = stream.isTTY === true;
    this.#plainEveryMs = options.plainEveryMs ?? 5_000;
  }

  update(job: JobView): void {
    const line = progressLine(job);
    if (this.#tty) {
      this.#stream.write(`\r\x1b[2K${line}`);
    } else if (line !== this.#last && Date.now() - this.#lastAt >= this.#plainEveryMs) {
      this.#stream.write(`${line}\n`);
      this.#lastAt = Date.now();
    }
    this.#last = line;
  }

  done(job: JobView): void {
    const line = progressLine(job);
    if (this.#tty) this.#stream.write(`\r\x1b[2K${line}\n`);
    else if (line !== this.#last || this.#lastAt === 0) this.#stream.write(`${line}\n`);
  }
}
