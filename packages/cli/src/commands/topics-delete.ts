// `fluxo topics delete a b …`: one result per topic, so a failure on one never hides what
// happened to the others.
import { boolOpt } from '../cli/args.js';
import type { Command } from '../cli/command.js';
import { contextOf, withAdmin } from '../cli/context.js';
import { reportError } from '../cli/exit-codes.js';
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
    // One DeleteTopics for all: the client answers per topic, so one failure hides nothing.
    const outcomes = await withAdmin(ctx, async (admin): Promise<Outcome[]> => {
      const results = await admin.deleteTopics(topics, { timeoutMs: ctx.timeoutMs });
      return results.map((r) =>
        r.error === null ? { topic: r.topic, deleted: true } : { topic: r.topic, deleted: false, error: r.error },
      );
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
