export { Reader, type RawTaggedField } from './reader.js';
export { Writer } from './writer.js';
export { ProtocolDecodeError, ProtocolEncodeError } from './protocol-error.js';
export { ZERO_UUID, randomUuid, uuidFromBytes, uuidToBytes } from './uuid.js';
export { writeTaggedFields, type TaggedFieldOut, EMPTY_BUFFER } from './codec-runtime.js';
