/** Every CLI command, in the order `orchestra --help` lists them. */
import type { Command } from '../command.js';
import { auditCommand } from './audit.js';
import { reviewCommand } from './review.js';
import { schemaCommand } from './schema.js';

export const commands: Command[] = [reviewCommand, auditCommand, schemaCommand];
