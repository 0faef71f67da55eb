/**
 * `npm run bench` runs every suite; `npm run bench -- NAME…` runs some. Suites are the files
 * `bench/NAME.bench.ts` (compiled to dist/bench/NAME.bench.js). JSON lines go to stdout, a table to stderr.
 */
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchLine, BenchSuite } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<number> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const files = (await readdir(here)).filter((f) => f.endsWith('.bench.js')).sort();
  const available = files.map((f) => f.replace(/\.bench\.js$/, ''));
  const unknown = wanted.filter((w) => !available.includes(w));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown bench: ${unknown.join(', ')}. Available: ${available.join(', ')}\n`);
    return 2;
  }
  const selected = wanted.length > 0 ? wanted : available;
  for (const name of selected) {
    const mod = (await import(pathToFileURL(join(here, `${name}.bench.js`)).href)) as { default: BenchSuite };
    process.stderr.write(`\n== ${name}\n`);
    await mod.default.run((line: BenchLine) => {
      process.stdout.write(`${JSON.stringify(line)}\n`);
      const peer = line.peer ? ` vs ${line.peer} ${line.peer_value} (ratio ${line.ratio})` : '';
      const target = line.target !== undefined ? ` [target ${line.target}]` : '';
      process.stderr.write(`  ${line.case.padEnd(34)} ${line.metric.padEnd(22)} ${String(line.ours).padStart(12)}${peer}${target}\n`);
    });
  }
  return 0;
}

process.exitCode = await main();
