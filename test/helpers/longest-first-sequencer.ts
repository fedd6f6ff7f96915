import { stat } from 'node:fs/promises';
import path from 'node:path';
import { BaseSequencer, type TestSequencerConstructor, type TestSpecification } from 'vitest/node';

/**
 * Test files in order of their expected duration, longest first, across projects (vitest's own order runs one
 * project's files after another's, and a file it has no timing for by its size). On two workers the suite's end is
 * set by whichever long file starts last: a 40 s file started near the end becomes a 40 s tail.
 *
 * The expected duration is the longer of the last run's (vitest's cache, absent on a clean checkout such as CI's)
 * and `estimates` (seconds, keyed `project:path`); files with neither follow, larger files first.
 */
export function longestFirst(estimates: Record<string, number>): TestSequencerConstructor {
  return class LongestFirst extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
      const expected = (spec: TestSpecification) => {
        const file = path.relative(spec.project.config.root, spec.moduleId);
        const cached = this.ctx.cache.getTestSpecificationResult(spec)?.duration ?? 0;
        return Math.max(cached / 1_000, estimates[`${spec.project.name}:${file}`] ?? 0);
      };
      const sizes = new Map(await Promise.all(files.map(async (spec) => [spec, (await stat(spec.moduleId)).size] as const)));
      return [...files].sort((a, b) =>
        a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder
        || expected(b) - expected(a)
        || sizes.get(b)! - sizes.get(a)!);
    }
  };
}
