// Tumbling event-time windows for the hand-written peers: one Map of open
// windows by start, then by key, closed in order when the watermark (the
// highest timestamp seen) passes their end. Late events are counted and
// dropped. The output lines have the same fields as `evproc window`.

/** Scales a value to [0, 1] over the default range 0 to 100, clamped. */
export function normalize(value) {
  if (value <= 0) return 0;
  if (value >= 100) return 1;
  return value / 100;
}

/** Index of the severity level: 0 Low, 1 Medium, 2 High, 3 Critical. */
export function severityIndex(normalized) {
  if (normalized < 0.3) return 0;
  if (normalized < 0.6) return 1;
  if (normalized < 0.9) return 2;
  return 3;
}

export const SEVERITY_NAMES = ['Low', 'Medium', 'High', 'Critical'];

export class WindowState {
  constructor(size, keyField, write) {
    this.size = size;
    this.keyField = keyField;
    this.write = write;
    this.open = new Map();
    this.maxTimestamp = -Infinity;
    this.nextCloseAt = Infinity;
    this.late = 0;
  }

  add(event) {
    const timestamp = event.timestamp;
    if (timestamp > this.maxTimestamp) {
      this.maxTimestamp = timestamp;
      if (timestamp >= this.nextCloseAt) this.close(timestamp);
    }
    const start = Math.floor(timestamp / this.size) * this.size;
    if (start + this.size <= this.maxTimestamp) {
      this.late++;
      return;
    }
    let group = this.open.get(start);
    if (group === undefined) {
      group = new Map();
      this.open.set(start, group);
      if (start + this.size < this.nextCloseAt) this.nextCloseAt = start + this.size;
    }
    const key = this.keyField === undefined ? null : event[this.keyField];
    let aggregate = group.get(key);
    if (aggregate === undefined) {
      aggregate = { count: 0, numeric: 0, sum: 0, min: Infinity, max: -Infinity, severity: [0, 0, 0, 0] };
      group.set(key, aggregate);
    }
    aggregate.count++;
    const value = event.value;
    if (typeof value === 'number') {
      aggregate.numeric++;
      aggregate.sum += value;
      if (value < aggregate.min) aggregate.min = value;
      if (value > aggregate.max) aggregate.max = value;
      aggregate.severity[severityIndex(normalize(value))]++;
    }
  }

  close(watermark) {
    const due = [...this.open.keys()].filter((start) => start + this.size <= watermark).sort((a, b) => a - b);
    let text = '';
    for (const start of due) {
      const group = this.open.get(start);
      this.open.delete(start);
      const keys = [...group.keys()].sort();
      for (const key of keys) {
        const a = group.get(key);
        const result = { window_start: start, window_end: start + this.size };
        if (this.keyField !== undefined) result.key = key;
        result.event_count = a.count;
        result.sum_value = a.sum;
        result.avg_value = a.numeric > 0 ? a.sum / a.numeric : null;
        result.min_value = a.numeric > 0 ? a.min : null;
        result.max_value = a.numeric > 0 ? a.max : null;
        result.severity_counts = { Low: a.severity[0], Medium: a.severity[1], High: a.severity[2], Critical: a.severity[3] };
        text += JSON.stringify(result) + '\n';
      }
    }
    if (text.length > 0) this.write(text);
    let next = Infinity;
    for (const start of this.open.keys()) if (start + this.size < next) next = start + this.size;
    this.nextCloseAt = next;
  }

  end() {
    this.close(Infinity);
  }
}

/** Reads `--ms N [--by FIELD] FILE` from argv. */
export function parseWindowArgs(argv) {
  const options = { size: 1000, keyField: undefined, file: undefined };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--ms') options.size = Number(argv[++i]);
    else if (argv[i] === '--by') options.keyField = argv[++i];
    else options.file = argv[i];
  }
  if (options.file === undefined) throw new Error('usage: PEER --ms N [--by FIELD] FILE');
  return options;
}
