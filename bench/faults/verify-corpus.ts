/**
 * `node dist/bench/faults/verify-corpus.js`: checks the faults corpus without the error swarm. For
 * each case it fetches the releases, verifies the premise, derives the fix lines, builds the release
 * repository and prints one JSON line (valid or why not, the releases, the fix lines, the head of the
 * failing output). The faults bench does the same before scoring; this is for editing the corpus.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAULT_CASES } from './corpus.js';
import { firstFrame } from './first-frame.js';
import { prepareCase } from './prepare-case.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    if (dirname(dir) === dir) throw new Error('verify-corpus: no package.json above the script, so no bench/.cache to use');
    dir = dirname(dir);
  }
  return dir;
}

async function main(): Promise<number> {
  const cache = join(repoRoot(), 'bench', '.cache', 'faults');
  const work = await mkdtemp(join(tmpdir(), 'orchestra-faults-'));
  let invalid = 0;
  try {
    for (const c of FAULT_CASES) {
      const p = await prepareCase(c, { cache, work });
      if (!p.ok) {
        invalid++;
        process.stdout.write(`${JSON.stringify({ case: p.name, valid: false, reason: p.reason })}\n`);
        continue;
      }
      const { prepared } = p;
      const frame = firstFrame(prepared.head.output, prepared.repo.path);
      process.stdout.write(
        `${JSON.stringify({
          case: prepared.name,
          valid: true,
          kind: c.kind,
          releases: prepared.versions,
          culprit: c.culprit,
          truth: prepared.truth,
          firstFrame: frame,
          output: prepared.head.output.split('\n').slice(0, 12).join('\n'),
        })}\n`,
      );
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return invalid === 0 ? 0 : 1;
}

process.exitCode = await main();
