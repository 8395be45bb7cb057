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

export { BatchOperator, createBatcher, DEFAULT_BATCH_COUNT, MAX_BATCH_COUNT, type Batch, type BatcherOptions, type BatcherTransformOptions, type BatchStats } from './batch/batcher.js';
export { BatchLineOperator, formatBatchLine, RawEventParseOperator, type RawEvent } from './batch/raw-event.js';
export { DEFAULT_TABLE, EVENT_COLUMNS, EventRowBuilder, validateTableName, type EventRow, type RowOptions } from './sinks/event-table.js';
export { SinkStream, type BatchSink, type SinkStats, type SinkStreamOptions } from './sinks/sink.js';
export { createSqliteSink, SqliteSink, sqliteTableDefinition, type SqliteSinkOptions } from './sinks/sqlite-sink.js';
export { createPostgresSink, PostgresSink, postgresTableDefinition, type PostgresSinkOptions } from './sinks/postgres-sink.js';
export { createSink, parseSinkUrl, type SinkTarget } from './sinks/sink-url.js';

export { createNormalize, NormalizeLineOperator, NormalizeOperator, type NormalizeOptions, type NormalizeStats, type NormalizeTransformOptions, type OnMissingValue } from './transforms/normalize.js';
export { JsonLineWriterOperator, LineTrackingParseOperator, RawLineOperator, type CurrentLine } from './transforms/raw-line.js';

export { Prng } from './generate/prng.js';
export { SensorEventGenerator, type GeneratedEvent, type SensorModelOptions } from './generate/sensor-model.js';
export { createGenerator, GeneratorSource, type GeneratorSourceOptions, type GeneratorStats } from './generate/generator-source.js';
export { createBuffer, BufferStream, MAX_BUFFER_CAPACITY, type BackpressurePolicy, type BufferOptions, type BufferStats } from './buffer/create-buffer.js';

export { buildAlert, type AlertWindow, type AnomalyAlert, type WindowDecision, type WindowDetector } from './anomaly/anomaly-alert.js';
export { FirstWindowRule, type FirstWindowRuleOptions } from './anomaly/first-window-rule.js';
export { ADAPTIVE_DEFAULTS, AdaptiveBaseline, type AdaptiveBaselineOptions } from './anomaly/adaptive-baseline.js';
export { createWindowAnomalyDetector, parseBaselineMode, WindowAnomalyOperator, type AnomalyStats, type BaselineMode, type WindowAnomalyOptions, type WindowAnomalyTransformOptions } from './anomaly/window-anomaly.js';
export { evaluateAgainstLabels, type EvaluationOptions, type EvaluationResult } from './anomaly/label-evaluation.js';
export { compileExpression, ExpressionError, type EventPredicate } from './transforms/expression.js';
export { createFilter, FilterOperator, type FilterOptions, type FilterStats, type FilterTransformOptions } from './transforms/filter.js';

export { DEFAULT_INPUT_CONCURRENCY, openInput, type InputStream } from './io/input-source.js';
export { MinHeap } from './merge/min-heap.js';
export { DEFAULT_MERGE_LINES_PER_INPUT, OrderedMergeSource, type OrderedMergeOptions, type OrderedMergeStats } from './merge/ordered-merge-source.js';
export { createCommandSource, readInputList, type CommandSource, type CommandSourceOptions } from './merge/command-source.js';
export {
  createFanOut,
  DEFAULT_BRANCH_CAPACITY,
  FanOut,
  fanOut,
  type BranchBufferOptions,
  type BranchStats,
  type FanOutBranch,
  type FanOutMode,
  type FanOutOptions,
  type FanOutStats,
} from './fanout/fan-out.js';
export { InputBoundaryOperator, type InputAwareStage } from './merge/input-boundary-operator.js';

export { MAX_BATCH_MS } from './batch/batcher.js';
export { POSTGRES_URL_PARAMETERS, redactSinkUrl } from './sinks/sink-url.js';
export { containsNulCharacter } from './sinks/postgres-sink.js';
export { EventRejecter } from './transforms/raw-line.js';
export { MAX_EXPRESSION_DEPTH } from './transforms/expression.js';
export { type AlertPhase, type KeyBaseline } from './anomaly/adaptive-baseline.js';
export { describeMissingFields, FieldPresenceCounter, type FieldPresenceOptions, type FieldPresenceStats } from './anomaly/field-presence.js';
export { DEFAULT_MAX_KEYS, KeyStates } from './anomaly/key-states.js';
export { type WatermarkSource } from './anomaly/window-anomaly.js';
export { MAX_SOURCES, MAX_TIMESTAMP } from './generate/sensor-model.js';
