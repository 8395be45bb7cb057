import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OperatorTransform } from '../../lib/core/operator-transform.js';
import type { Event } from '../../lib/event/event.js';
import type { InputChunk } from '../../lib/io/input-chunk.js';
import { MultiInputParseOperator } from '../../lib/io/ndjson-reader.js';
import type { NdjsonParserOptions } from '../../lib/io/ndjson-parser.js';

/** Turns events into NDJSON lines with a timestamp and a tag. */
export function lines(tag: string, timestamps: number[]): string {
  return timestamps.map((timestamp, index) => JSON.stringify({ timestamp, n: `${tag}${index + 1}` })).join('\n') + '\n';
}

/** A readable input that emits the given chunks, each on its own turn of the event loop, then ends. */
export function chunkedInput(chunks: string[]): Readable {
  const stream = new PassThrough();
  void (async () => {
    for (const chunk of chunks) {
      await new Promise((resolve) => setImmediate(resolve));
      stream.write(chunk);
    }
    await new Promise((resolve) => setImmediate(resolve));
    stream.end();
  })();
  return stream;
}

/** Splits text into pieces of `size` characters, so lines straddle chunks. */
export function splitEvery(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

/** Parses the InputChunks of a source into events, as a command does. */
export async function parseAll(source: Readable, options: Omit<NdjsonParserOptions, 'inputName'> = {}): Promise<{ events: Event[]; parse: MultiInputParseOperator }> {
  const parse = new MultiInputParseOperator(options);
  const events: Event[] = [];
  await pipeline(
    source,
    new OperatorTransform([parse]),
    new Writable({
      objectMode: true,
      write(event: Event, _encoding, callback) {
        events.push(event);
        callback();
      },
    }),
  );
  return { events, parse };
}

/** Reads every InputChunk of a source. */
export async function readChunks(source: Readable): Promise<InputChunk[]> {
  const chunks: InputChunk[] = [];
  for await (const chunk of source) chunks.push(chunk as InputChunk);
  return chunks;
}
