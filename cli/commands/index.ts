/** Every CLI command, in the order `orchestra --help` lists them. */
import type { Command } from '../command.js';
import { auditCommand } from './audit.js';
import { reviewCommand } from './review.js';
import { schemaCommand } from './schema.js';
import { serveCommand, workerCommand } from './serve.js';

export const commands: Command[] = [reviewCommand, serveCommand, workerCommand, auditCommand, schemaCommand];
