/** Every CLI command, in the order `orchestra --help` lists them. */
import type { Command } from '../command.js';
import { reviewCommand } from './review.js';

export const commands: Command[] = [reviewCommand];
