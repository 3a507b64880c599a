// `fluxo topics delete a b …`: one result per topic, so a failure on one never hides what
// happened to the others.
import { boolOpt } from '../cli/args.js';
import type { Command } from '../cli/command.js';
import { contextOf, withAdmin } from '../cli/context.js';
import { isKafkaError, reportError } from '../cli/exit-codes.js';
import { note, printJson } from '../cli/output.js';
import { TOPIC_OPTION, topicsOf } from './topic-arg.js';

type Outcome = { topic: string; deleted: true } | { topic: string; deleted: false; error: Error };

export const deleteTopicsCommand: Command = {
  spec: {
    name: 'topics delete',
    args: '<topic...>',
    summary: 'Delete topics; each is reported (deleted, or the error), exit 1 if any failed.',
    options: { ...TOPIC_OPTION, 'if-exists': { type: 'boolean', help: 'succeed when a topic does not exist' } },
    positionals: { min: 0, max: 1000 },
    examples: ['fluxo topics delete orders payments'],
    cluster: true,
  },
  async run(args) {
    const topics = topicsOf(args);
    const ctx = contextOf(args);
    const ifExists = boolOpt(args, 'if-exists') === true;
    // One DeleteTopics per topic: the client's deleteTopics throws at the first topic error
    // of a batch without saying which others were deleted.
    const outcomes = await withAdmin(ctx, async (admin) => {
      const out: Outcome[] = [];
      for (const topic of topics) {
        try {
          await admin.deleteTopics([topic], { timeoutMs: ctx.timeoutMs });
          out.push({ topic, deleted: true });
        } catch (err) {
          if (!isKafkaError(err)) throw err;
          out.push({ topic, deleted: false, error: err });
        }
      }
      return out;
    });
    const absent = (o: Outcome) => !o.deleted && ifExists && o.error.name === 'UNKNOWN_TOPIC_OR_PARTITION';
    const failed = outcomes.filter((o): o is Extract<Outcome, { deleted: false }> => !o.deleted && !absent(o));
    if (ctx.json) {
      printJson({
        deleted: outcomes.filter((o) => o.deleted).map((o) => o.topic),
        absent: outcomes.filter(absent).map((o) => o.topic),
        failed: failed.map((o) => ({ topic: o.topic, error: { name: o.error.name, message: o.error.message } })),
      });
    } else {
      for (const o of outcomes) {
        if (o.deleted) process.stdout.write(`deleted topic "${o.topic}"\n`);
        else if (absent(o)) note(`topic "${o.topic}" does not exist (--if-exists)`);
      }
    }
    let code = 0;
    for (const o of failed) code = reportError(o.error, ctx.json);
    return code;
  },
};
