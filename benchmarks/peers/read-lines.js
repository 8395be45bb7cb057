// The hand-written baselines' reading loop: 64 KiB synchronous reads, lines
// split on "\n" with String.indexOf, no streams.
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** Calls onLine with every non-empty line of the file, in order, without its "\n". */
export function readLines(path, onLine) {
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(64 * 1024);
  const decoder = new StringDecoder('utf8');
  let carry = '';
  for (;;) {
    const bytes = readSync(fd, buffer, 0, buffer.length, null);
    if (bytes === 0) break;
    const text = carry + decoder.write(buffer.subarray(0, bytes));
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      if (newline > start) onLine(text.slice(start, newline));
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    carry = text.slice(start);
  }
  closeSync(fd);
  if (carry.trim().length > 0) onLine(carry);
}
