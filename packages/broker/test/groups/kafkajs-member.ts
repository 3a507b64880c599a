/**
 * A kafkajs group member as its own process, so a test can kill -9 it (a
 * crash: no LeaveGroup). Prints each assignment as one JSON line on stdout.
 * usage: node kafkajs-member.js <bootstrap> <group> <topic> <sessionTimeoutMs>
 */
import kafkajs from 'kafkajs';

const [bootstrap, groupId, topic, sessionTimeout] = process.argv.slice(2);
const kafka = new kafkajs.Kafka({
  clientId: 'crashing-member',
  brokers: [bootstrap!],
  logLevel: kafkajs.logLevel.NOTHING,
});
const consumer = kafka.consumer({
  groupId: groupId!,
  sessionTimeout: Number(sessionTimeout),
  heartbeatInterval: 300,
  maxWaitTimeInMs: 100,
});
consumer.on(consumer.events.GROUP_JOIN, (event) => {
  process.stdout.write(`${JSON.stringify(event.payload.memberAssignment)}\n`);
});
await consumer.connect();
await consumer.subscribe({ topic: topic!, fromBeginning: true });
await consumer.run({ eachMessage: async () => {} });
