import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import t from 'tap';
import { BatchOperator } from '../../lib/batch/batcher.js';
import { RawEventParseOperator, type RawEvent } from '../../lib/batch/raw-event.js';
import { createBatchStage } from '../../lib/cli/commands/batch.js';
import { OperatorTransform } from '../../lib/core/operator-transform.js';
import type { InputChunk } from '../../lib/io/input-chunk.js';
import type { EventRow } from '../../lib/sinks/event-table.js';
import { SinkStream, type BatchSink } from '../../lib/sinks/sink.js';

/** A database that never commits, like a table locked by another session. */
class StalledSink implements BatchSink {
  readonly target = 'test table "stalled"';
  writes = 0;

  async open(): Promise<void> {}

  writeRows(_rows: EventRow[]): Promise<void> {
    this.writes++;
    return new Promise(() => {});
  }

  async close(): Promise<void> {}
}

const CHUNK_BYTES = 64 * 1024;

/** Creates an input of 64 KiB chunks of ~90-byte event lines that counts the chunks it made; it buffers 4 chunks, as InputSource does. */
function chunkSource(totalChunks: number): Readable & { produced: () => number } {
  let produced = 0;
  let next = 0;
  const source = new Readable({
    objectMode: true,
    highWaterMark: 4,
    read() {
      if (produced === totalChunks) {
        this.push(null);
        return;
      }
      let text = '';
      while (text.length < CHUNK_BYTES) text += JSON.stringify({ id: `e${next++}`, timestamp: 1_700_000_000_000, source: 'sensor-1', value: 1.5 }) + '\n';
      produced++;
      const chunk: InputChunk = { input: 'events.ndjson', data: Buffer.from(text) };
      this.push(chunk);
    },
  });
  return Object.assign(source, { produced: () => produced });
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Runs source → stage → stalled sink until nothing moves, then returns the chunks read. */
async function chunksReadWhileStalled(stage: OperatorTransform): Promise<number> {
  const source = chunkSource(200);
  const sink = new StalledSink();
  const run = pipeline(source, stage, new SinkStream(sink, { items: 'raw-events' }));
  run.catch(() => {});
  let last = -1;
  for (let quiet = 0; quiet < 20; ) {
    await tick();
    quiet = source.produced() === last ? quiet + 1 : 0;
    last = source.produced();
  }
  source.destroy();
  return source.produced();
}

function operators() {
  return { parse: new RawEventParseOperator({}), batcher: new BatchOperator<RawEvent>({ count: 100 }) };
}

t.test('stalled sink stops reading early', async (t) => {
  const { parse, batcher } = operators();
  const chunks = await chunksReadWhileStalled(createBatchStage(parse, batcher, 'batches'));
  // At most 4 in the source's buffer, 1 in the stage's writable buffer, and 1 parsed into the batches that wait in the stage and the sink.
  t.ok(chunks <= 6, `chunks read while the sink is stalled: ${chunks}`);
  // The chunk being parsed is pushed whole, so its batches (about 7 of 100 events) all go out; at most one more chunk is parsed.
  t.ok(batcher.stats.batches <= 2 * Math.ceil(CHUNK_BYTES / 90 / 100), `batches made: ${batcher.stats.batches}`);
});

t.test('control with Node default buffer reads ahead', async (t) => {
  // The same chain with the writable side left at 16 chunks reads about 1 MiB ahead, which the bound above catches.
  const { parse, batcher } = operators();
  const stage = new OperatorTransform([parse, batcher], { writableObjectMode: true, readableObjectMode: true, highWaterMark: 1 });
  const chunks = await chunksReadWhileStalled(stage);
  t.ok(chunks > 6, `chunks read while the sink is stalled: ${chunks}`);
});
