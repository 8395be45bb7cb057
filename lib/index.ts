// Public API of evproc. Every stage is available as an objectMode Transform
// factory for stream.pipeline, and as an Operator for fusing several stages
// into one Transform.
export { EvprocError, InvalidOptionError, type EvprocErrorCode } from './errors.js';
export { FakeClock, systemClock, type Clock } from './clock.js';
export { parseDuration } from './duration.js';

export { isJsonObject, type Event, type EventType } from './event/event.js';
export { compileFieldPath, type FieldGetter } from './event/field-path.js';
export { parseIsoTimestamp, toEpochMs, type TimeUnit } from './event/timestamp.js';
export { normalizeValue, severityOf, SEVERITIES, type NormalizationRange, type Severity } from './event/severity.js';

export { Operator, linkOperators, type Downstream } from './core/operator.js';
export { fuse, OperatorTransform, type OperatorTransformOptions } from './core/operator-transform.js';

export { InvalidLineError, type OnError, type Rejection, type RejectionHandler } from './io/rejection.js';
export { DEFAULT_MAX_LINE_BYTES, NdjsonLineParser, type NdjsonParserOptions, type ParserStats } from './io/ndjson-parser.js';
export { createNdjsonReader, MultiInputParseOperator, NdjsonParseOperator, type NdjsonReaderOptions } from './io/ndjson-reader.js';
export { createNdjsonWriter, NdjsonStringifyOperator } from './io/ndjson-writer.js';
export { InputSource, type InputSourceOptions } from './io/input-source.js';
export type { InputChunk } from './io/input-chunk.js';

export { WindowAggregate, type SeverityCounts, type WindowResult } from './window/window-aggregate.js';
export {
  createTumblingWindow,
  TumblingWindowOperator,
  type TumblingWindowOptions,
  type TumblingWindowTransformOptions,
  type WindowStats,
} from './window/tumbling-window.js';
export { createNormalize, NormalizeLineOperator, NormalizeOperator, type NormalizeOptions, type NormalizeStats, type NormalizeTransformOptions, type OnMissingValue } from './transforms/normalize.js';
export { JsonLineWriterOperator, LineTrackingParseOperator, RawLineOperator, type CurrentLine } from './transforms/raw-line.js';

export { Prng } from './generate/prng.js';
export { SensorEventGenerator, type GeneratedEvent, type SensorModelOptions } from './generate/sensor-model.js';
export { createGenerator, GeneratorSource, type GeneratorSourceOptions, type GeneratorStats } from './generate/generator-source.js';
export { createBuffer, BufferStream, MAX_BUFFER_CAPACITY, type BackpressurePolicy, type BufferOptions, type BufferStats } from './buffer/create-buffer.js';
