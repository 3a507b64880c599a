/** The outcome of one admin operation on one resource: Kafka's error code and message. */
export interface AdminResult {
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

export const OK: AdminResult = { errorCode: 0, errorMessage: null };

export function fail(errorCode: number, errorMessage: string): AdminResult {
  return { errorCode, errorMessage };
}
