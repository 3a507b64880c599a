import type { Reader, Writer } from '@fluxo/protocol';

/** One Kafka API as the connection sees it: its key and the generated request/response codecs. */
export interface Api<Request, Response> {
  readonly apiKey: number;
  readonly name: string;
  readonly request: { encode(w: Writer, m: Request, version: number): void };
  readonly response: { decode(r: Reader, version: number): Response };
}

export function defineApi<Request, Response>(
  apiKey: number,
  name: string,
  request: { encode(w: Writer, m: Request, version: number): void },
  response: { decode(r: Reader, version: number): Response },
): Api<Request, Response> {
  return { apiKey, name, request, response };
}
