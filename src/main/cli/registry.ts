// Every CLI command, by name. A new command is one file exporting a Command and one line here.
import { backfillCommand } from './backfill';
import { candlesCommand } from './candles';
import type { Command } from './command';
import { importCommand } from './import';
import { simulateCommand } from './simulate';
import { statusCommand } from './status';
import { streamCommand } from './stream';

export const commands: readonly Command[] = [
  simulateCommand,
  backfillCommand,
  streamCommand,
  importCommand,
  candlesCommand,
  statusCommand,
];
