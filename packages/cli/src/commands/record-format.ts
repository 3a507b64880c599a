// How `fluxo consume` prints a record: a template with {placeholders}, or one JSON object per line.
import type { ConsumerRecord } from '@fluxo/client';

export const DEFAULT_FORMAT = '{value}';
export const FORMAT_FIELDS = ['topic', 'partition', 'offset', 'timestamp', 'key', 'value', 'headers'] as const;
type Field = (typeof FORMAT_FIELDS)[number];

type Part = { text: string } | { field: Field };

const text = (b: Buffer | null): string => (b === null ? 'null' : b.toString('utf8'));

/** Parses a template once; unknown {names} are an error so a typo does not print literally forever. */
export function compileFormat(template: string): (r: ConsumerRecord<Buffer, Buffer>) => string {
  const parts: Part[] = [];
  const unescaped = template.replace(/\\([nt\\])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
  let last = 0;
  for (const m of unescaped.matchAll(/\{([a-z]+)\}/g)) {
    if (!(FORMAT_FIELDS as readonly string[]).includes(m[1]!)) {
      throw new Error(`unknown placeholder {${m[1]}} (known: ${FORMAT_FIELDS.map((f) => `{${f}}`).join(' ')})`);
    }
    parts.push({ text: unescaped.slice(last, m.index) }, { field: m[1] as Field });
    last = m.index! + m[0].length;
  }
  parts.push({ text: unescaped.slice(last) });
  return (r) => {
    let out = '';
    for (const p of parts) out += 'text' in p ? p.text : fieldText(r, p.field);
    return out;
  };
}

function fieldText(r: ConsumerRecord<Buffer, Buffer>, field: Field): string {
  switch (field) {
    case 'topic':
      return r.topic;
    case 'partition':
      return String(r.partition);
    case 'offset':
      return String(r.offset);
    case 'timestamp':
      return String(r.timestamp);
    case 'key':
      return text(r.key);
    case 'value':
      return text(r.value);
    case 'headers':
      return r.headers.map((h) => `${h.key}=${text(h.value)}`).join(',');
  }
}

/** The JSON form of a record: key, value and header values as UTF-8 text (null stays null). */
export function recordJson(r: ConsumerRecord<Buffer, Buffer>): Record<string, unknown> {
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    timestampType: r.timestampType === 1 ? 'LogAppendTime' : 'CreateTime',
    key: r.key === null ? null : r.key.toString('utf8'),
    value: r.value === null ? null : r.value.toString('utf8'),
    headers: r.headers.map((h) => ({ key: h.key, value: h.value === null ? null : h.value.toString('utf8') })),
  };
}
