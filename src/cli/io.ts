// What a command may touch: its streams and the file system, injected so that
// commands run in-process in tests.
import { readRegularFile } from '../io/read.js';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readText: (file: string) => string;
  /** Whether stderr is a terminal (progress bars, colours). */
  isTty: boolean;
  now: () => Date;
  /** Whether `run` may keep and reuse normalised models (scenario/model-cache.ts): the CLI process, not tests. */
  modelCache?: boolean;
}

export const processIo = (): Io => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readText: (f) => readRegularFile(f),
  isTty: Boolean(process.stderr.isTTY),
  now: () => new Date(),
  modelCache: true,
});
