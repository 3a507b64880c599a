/**
 * The largest offset that at least `majority` of the given log end offsets reach:
 * sort descending and take the majority-th. This is the quorum's candidate high watermark.
 */
export function quorumOffset(offsets: readonly number[], majority: number): number {
  if (offsets.length < majority) return 0;
  const sorted = [...offsets].sort((a, b) => b - a);
  return sorted[majority - 1];
}
