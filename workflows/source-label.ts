import type { CollectSource } from '../schemas/sources.ts';
import type { StreamSource } from '../schemas/stream-ingest-spec.ts';
import type { StreamPublishTarget } from '../schemas/stream-publish-spec.ts';

/** How summaries, the UI and the CLI name a source: `samples:residents.csv`, `hr_system:public.people`, `hr_system:query`. */
export function sourceLabel(source: CollectSource): string {
  if (source.type === 'file') return `${source.connection ? `${source.connection}:` : ''}${source.path.split('/').pop() ?? source.path}`;
  if (source.type === 'table') return `${source.connection}:${source.table}`;
  return `${source.connection}:query`;
}

/** A stream as summaries name it: `jetstream nats:PERMITS (permits.>)`, `mqtt iot-broker:iot/+/+/telemetry`. */
export function streamSourceLabel(source: StreamSource): string {
  if (source.type === 'jetstream') return `jetstream ${source.connection}:${source.stream}${source.subject ? ` (${source.subject})` : ''}`;
  return `mqtt ${source.connection}:${source.topics.join(', ')}`;
}

/** Where a stream output goes: `jetstream centre-nats:minhang.residents.changes`, `mqtt iot-broker:minhang/residents/{key}`. */
export function streamTargetLabel(target: StreamPublishTarget): string {
  if (target.type === 'jetstream') return `jetstream ${target.connection}:${target.subject}${target.stream ? ` (stream ${target.stream})` : ''}`;
  return `mqtt ${target.connection}:${target.topic}`;
}
