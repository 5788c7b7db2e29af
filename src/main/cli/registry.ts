// Every CLI command, by name. A new command is one file exporting a Command and one line here.
import { backfillCommand } from './backfill';
import { backtestCommand } from './backtest';
import { paperCommand } from './paper';
import { candlesCommand } from './candles';
import type { Command } from './command';
import { evaluateCommand } from './evaluate';
import { importCommand } from './import';
import { instrumentsCommand } from './instruments';
import { predictCommand } from './predict';
import { simulateCommand } from './simulate';
import { statusCommand } from './status';
import { streamCommand } from './stream';
import { trainCommand } from './train';

export const commands: readonly Command[] = [
  simulateCommand,
  backfillCommand,
  streamCommand,
  importCommand,
  instrumentsCommand,
  candlesCommand,
  trainCommand,
  predictCommand,
  backtestCommand,
  evaluateCommand,
  paperCommand,
  statusCommand,
];
