// Reading a file named by a user or by a shared scenario: only a regular file,
// and only after its size is known to be within a limit. `/dev/zero`, a FIFO
// or a folder is refused by name before a byte is read (a FIFO would block
// `open` for ever without O_NONBLOCK, `/dev/zero` would fill the memory).
import fs from 'node:fs';

/** Largest file read as text: a scenario is well under a megabyte (SOURCE_LIMITS caps characters at 20 M). */
export const MAX_READ_BYTES = 64 * 1024 * 1024;

/** A file that is not a regular file, or is too large; `code` lets callers word it. */
export class UnreadableFile extends Error {
  constructor(message: string, readonly code: 'ESPECIAL' | 'EISDIR' | 'ETOOBIG') {
    super(message);
    this.name = 'UnreadableFile';
  }
}

/** What kind of file a stat is, in words, for a refusal. */
function kindOf(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads a regular file as UTF-8 text, refusing special files, folders and files
 * larger than `maxBytes`. Errors from the file system (ENOENT, EACCES) pass
 * through with their codes.
 */
export function readRegularFile(file: string, maxBytes = MAX_READ_BYTES): string {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw new UnreadableFile(`"${file}" is a folder, not a file`, 'EISDIR');
    if (!stat.isFile()) throw new UnreadableFile(`"${file}" is ${kindOf(stat)}, not a regular file`, 'ESPECIAL');
    if (stat.size > maxBytes) {
      throw new UnreadableFile(`"${file}" has ${stat.size} bytes, more than the ${maxBytes} a file read here may have`, 'ETOOBIG');
    }
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = fs.readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.toString('utf8', 0, read);
  } finally {
    fs.closeSync(fd);
  }
}
