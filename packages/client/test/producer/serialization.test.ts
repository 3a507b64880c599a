import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Producer, SerializationError, type Serializer } from '../../src/index.js';

// Nothing listens here: serialization fails inside send(), before any network use.
const bootstrapServers = '127.0.0.1:9';

describe('serializer failures are SerializationError (Kafka SerializationException)', () => {
  const cases: [string, Record<string, unknown>, unknown, RegExp][] = [
    [
      'short out of range',
      { valueSerializer: 'short' },
      40_000,
      /short serializer expects an integer in \[-32768, 32767\], got 40000/,
    ],
    ['integer with a fraction', { valueSerializer: 'integer' }, 1.5, /integer serializer expects an integer/],
    ['long given a number', { valueSerializer: 'long' }, 5, /long serializer expects a bigint, got number/],
    ['double given a string', { valueSerializer: 'double' }, '1.5', /double serializer expects a number/],
    ['string given a number', { valueSerializer: 'string' }, 42, /string serializer expects a string/],
    ['bytes given a string', { valueSerializer: 'bytes' }, 'abc', /bytes serializer expects a Buffer/],
    ['json of a bigint', { valueSerializer: 'json' }, { n: 1n }, /BigInt/],
  ];
  for (const [name, config, value, message] of cases) {
    it(name, async () => {
      const producer = new Producer<unknown, unknown>({ bootstrapServers, ...config } as never);
      await assert.rejects(producer.send({ topic: 't', value }), (err: Error) => {
        assert.ok(err instanceof SerializationError, `${err.name}: ${err.message}`);
        assert.equal(err.name, 'SERIALIZATION_EXCEPTION');
        assert.equal((err as SerializationError).retriable, false);
        assert.match(err.message, /cannot serialize the value for topic "t"/);
        assert.match((err as Error & { cause: Error }).cause.message, message);
        return true;
      });
      await producer.close();
    });
  }

  it('names the key when the key serializer fails, and wraps what a custom serializer throws', async () => {
    const failing: Serializer<string> = {
      serialize: () => {
        throw new RangeError('no such customer');
      },
    };
    const producer = new Producer<string, string>({
      bootstrapServers,
      keySerializer: failing,
      valueSerializer: 'string',
    });
    await assert.rejects(
      producer.send({ topic: 'orders', key: 'c1', value: 'v' }),
      (err: Error & { cause?: unknown }) => {
        assert.equal(err.name, 'SERIALIZATION_EXCEPTION');
        assert.match(err.message, /the key for topic "orders": no such customer/);
        assert.ok(err.cause instanceof RangeError);
        return true;
      },
    );
    await producer.close();
  });

  it('a custom serializer that returns something other than bytes is a SerializationError too', async () => {
    const wrong = { serialize: (v: string) => v.toUpperCase() } as unknown as Serializer<string>;
    const producer = new Producer<null, string>({ bootstrapServers, valueSerializer: wrong });
    await assert.rejects(producer.send({ topic: 't', value: 'x' }), {
      name: 'SERIALIZATION_EXCEPTION',
      message: /returned string, not bytes or null/,
    });
    await producer.close();
  });
});
