/**
 * Kafka UUIDs are 16 bytes on the wire. We hold them as Kafka prints them:
 * URL-safe base64 without padding (22 characters), so equality is string equality.
 */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export function uuidToBytes(uuid: string): Buffer {
  const bytes = Buffer.from(uuid, 'base64url');
  if (bytes.length !== 16) throw new RangeError(`not a Kafka uuid: ${uuid}`);
  return bytes;
}

export function uuidFromBytes(bytes: Buffer, offset = 0): string {
  return bytes.toString('base64url', offset, offset + 16);
}

/** A random version-4 UUID, as Kafka's Uuid.randomUuid() makes (never the zero or metadata-topic ids). */
export function randomUuid(randomBytes: (n: number) => Buffer): string {
  for (;;) {
    const b = randomBytes(16);
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const id = uuidFromBytes(b);
    if (id !== ZERO_UUID && id !== 'AAAAAAAAAAAAAAAAAAAAAQ' && !id.startsWith('-')) return id;
  }
}
