// A progress bar on stderr for long work, shown only when stderr is a terminal.
import cliProgress from 'cli-progress';
import type { Io } from './io.js';

export interface Progress {
  update(done: number): void;
  stop(): void;
}

export function progress(io: Io, total: number, what: string): Progress {
  if (!io.isTty) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: `${what} [{bar}] {value}/{total} | {speed}/s | eta {eta_formatted}`, hideCursor: true, clearOnComplete: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(total, 0, { speed: '0' });
  return {
    update: (done) => bar.update(done, { speed: (done / Math.max(1e-3, (Date.now() - started) / 1000)).toFixed(1) }),
    stop: () => bar.stop(),
  };
}
