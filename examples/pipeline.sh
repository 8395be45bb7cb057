#!/bin/sh
# The complete evproc pipeline in a shell, with a live fan-out:
#
#   generate | normalize | buffer --tee FIFO | window  > windows.ndjson
#                                       └─ FIFO ─ anomalies > alerts.ndjson
#
# generate writes 20,000 seeded sensor events (1 ms apart), normalize adds
# severity, buffer bounds what sits between the stages (it blocks, so nothing
# is dropped), and its --tee copy feeds anomalies through a FIFO while
# window aggregates the main stream. Every stage prints its report on stderr
# (--stats). The output is the same on every run.
#
# Usage: examples/pipeline.sh [OUTPUT_DIR]   (default ./pipeline-out)
# Set EVPROC to the command that runs evproc (default: evproc).
set -eu

out=${1:-./pipeline-out}
evproc=${EVPROC:-evproc}
mkdir -p "$out"
fifo="$out/events.fifo"
rm -f "$fifo"
mkfifo "$fifo"

anomalies_pid=
cleanup() {
  rm -f "$fifo"
  # If the pipeline failed before opening the FIFO, anomalies would wait for a writer forever.
  if [ -n "$anomalies_pid" ]; then kill "$anomalies_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

# The reader starts first: opening a FIFO waits for the other end.
$evproc anomalies --ms 50ms --by source --stats "$fifo" > "$out/alerts.ndjson" &
anomalies_pid=$!

$evproc generate --count 20000 --seed 7 --sources 4 --stats \
  | $evproc normalize --min 0 --max 100 --stats \
  | $evproc buffer --capacity 1000 --policy block --stats --tee "$fifo" \
  | $evproc window --ms 1s --by source --stats > "$out/windows.ndjson"

wait "$anomalies_pid"
anomalies_pid=

echo "windows: $(wc -l < "$out/windows.ndjson" | tr -d ' ') in $out/windows.ndjson"
echo "alerts: $(wc -l < "$out/alerts.ndjson" | tr -d ' ') in $out/alerts.ndjson"
