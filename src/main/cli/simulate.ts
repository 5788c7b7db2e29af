// `simulate`: the Bybit-v5 simulator in the foreground, on Bybit's own paths on one port, until stopped.
import { IntervalSchema } from '../../shared/domain';
import { startSimulator } from '../core/market/simulator';
import {
  optionalString,
  parseInteger,
  parseSymbols,
  untilStopped,
  UsageError,
  writeJson,
  type Command,
} from './command';

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'run the Bybit v5 simulator (REST + websocket) until stopped',
  usage: '--port N [--seed S] [--bar-ms MS] [--interval I] [--symbols A,B,..] [--history-bars N]',
  options: {
    port: { type: 'string' },
    seed: { type: 'string' },
    'bar-ms': { type: 'string' },
    interval: { type: 'string' },
    symbols: { type: 'string' },
    'history-bars': { type: 'string' },
  },
  async run({ values, json, signal, stdout, stderr }) {
    const interval = optionalString(values, 'interval');
    if (interval !== undefined && !IntervalSchema.safeParse(interval).success) {
      throw new UsageError(
        `--interval '${interval}' is not a Bybit interval (${IntervalSchema.options.join(', ')}).`,
      );
    }
    const symbols = optionalString(values, 'symbols');
    const simulator = await startSimulator({
      host: '127.0.0.1',
      port: parseInteger(optionalString(values, 'port'), 'port', 0, 65535) ?? 0,
      seed: parseInteger(optionalString(values, 'seed'), 'seed', 0, 2 ** 32 - 1),
      barMs: parseInteger(optionalString(values, 'bar-ms'), 'bar-ms', 1, 86_400_000),
      interval: interval as never,
      symbols: symbols === undefined ? undefined : parseSymbols(symbols),
      historyBars: parseInteger(optionalString(values, 'history-bars'), 'history-bars', 0, 1_000_000),
    });
    if (json) {
      writeJson(stdout, { port: simulator.port, restUrl: simulator.restUrl, wsUrl: simulator.wsUrl });
    } else {
      stdout.write(`REST ${simulator.restUrl}\nWS   ${simulator.wsUrl}\n`);
      stderr.write('Simulating; press Ctrl+C to stop.\n');
    }
    await untilStopped(signal);
    await simulator.close();
  },
};
