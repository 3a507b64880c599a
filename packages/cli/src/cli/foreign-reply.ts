// A server that is not a Kafka broker (an HTTP server on the port, a TLS listener) answers
// with bytes the client takes for a huge frame size. Seen in the error's cause chain, that is
// turned into a message that says what happened.

const FRAME_TOO_BIG = /^(.*?): frame of (-?\d+) bytes exceeds the limit/;

/** The first four bytes the server sent: as text when printable ('HTTP'), else as hex. */
function receivedText(size: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(size);
  const printable = bytes.every((b) => b >= 0x20 && b <= 0x7e);
  return printable ? `'${bytes.toString('latin1')}'` : `0x${bytes.toString('hex')}`;
}

/** "host:port does not look like a Kafka broker (received 'HTTP')", or null when `err` is no such case. */
export function foreignReplyMessage(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    const m = FRAME_TOO_BIG.exec(e.message);
    if (m === null) continue;
    const size = Number(m[2]);
    if (!Number.isSafeInteger(size) || size < -(2 ** 31) || size >= 2 ** 31) continue;
    return `${m[1]} does not look like a Kafka broker (received ${receivedText(size)})`;
  }
  return null;
}
