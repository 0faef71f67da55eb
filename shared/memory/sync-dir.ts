/**
 * Makes a directory's entries (a created or renamed file) durable. Without it a crash right after an
 * atomic rename may bring back the old name. Windows cannot open a directory for syncing; there NTFS
 * journals the rename itself, so the call is skipped.
 */
import { open } from 'node:fs/promises';

/** fsyncs the directory `dir` (a no-op on Windows). */
export async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
