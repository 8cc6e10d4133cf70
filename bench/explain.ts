import { CompiledQuery, type KyselyPlugin, type QueryId, type RootOperationNode } from 'kysely';
import type { Config } from '../src/config.ts';
import { ReportVault } from '../src/crypto/report-vault.ts';
import { openDatabase, type Db } from '../src/db/database.ts';
import { loadProgram } from '../src/programs/programs.ts';
import * as inbox from '../src/reports/list-reports.ts';
import { countInboxTabs } from '../src/reports/inbox-counts.ts';
import { loadInstanceSecret } from '../src/secrets/secret-file.ts';
import { SEARCH_WORD, STAFF_EMAIL, type SeedResult } from './seed.ts';

/** The statements one call sends, captured as compiled (SQL and parameters) by a plugin on the Kysely instance. */
function capturing(db: Db): { db: Db; captured: { node: RootOperationNode; queryId: QueryId }[] } {
  const captured: { node: RootOperationNode; queryId: QueryId }[] = [];
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      captured.push({ node: args.node, queryId: args.queryId });
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(plugin), captured };
}

/**
 * `npm run bench -- --explain`: EXPLAIN (ANALYZE, BUFFERS) of the statements
 * behind each inbox view the bench measures, as list-reports.ts builds them
 * (the SQL is captured from the real call, not copied), on the seeded
 * database. Runs each view once first so the plans show warm caches, as the
 * measured pages see them. Markdown, for docs/performance.md.
 */
export async function explainInboxViews(config: Config, seed: SeedResult): Promise<string> {
  const database = await openDatabase(config.database, { poolSize: 1 });
  try {
    const { db } = database;
    const { secret } = loadInstanceSecret(config.instanceSecret, { secretFile: config.secretFile, dataDir: config.dataDir }, { createDataDir: false });
    const vault = new ReportVault(secret);
    const program = await loadProgram(db, { slug: config.programs[0]!.slug });
    const staff = await db.selectFrom('staff_users').select('id').where('email', '=', STAFF_EMAIL).executeTakeFirstOrThrow();
    const views: [string, Record<string, string>][] = [
      ['inbox (open reports, newest first)', {}],
      [`search "${SEARCH_WORD}", all states`, { q: SEARCH_WORD, state: 'all' }],
      // Each seeded report names its own build number: a word in exactly one report, far back.
      [`search for a word in one old report ("${Math.ceil(seed.reports * 0.9)}"), all states`, { q: String(Math.ceil(seed.reports * 0.9)), state: 'all' }],
      ['deep page (all reports, keyset cursor 50,000 rows in)', { state: 'all', after: seed.deepCursor }],
    ];
    // Sorts the inbox offers beyond the default, when this version has them.
    for (const sort of Object.keys(inbox.INBOX_SORTS)) if (sort !== 'newest') views.push([`inbox sorted by ${sort}`, { sort }]);
    const out: string[] = [];
    const calls: [string, (db: Db) => Promise<unknown>][] = views.map(([label, raw]) => {
      const query = inbox.inboxQuerySchema.parse(raw);
      return [label, (on: Db) => inbox.listReports(on, vault, { programIds: [program!.id], query, currentUserId: staff.id })];
    });
    // Every inbox page also counts its tabs.
    calls.push(['inbox tab counts (every inbox page)', (on) => countInboxTabs(on, [program!.id])]);
    for (const [label, call] of calls) {
      await call(db);
      const { db: spy, captured } = capturing(db);
      await call(spy);
      for (const { node, queryId } of captured) {
        const compiled = db.getExecutor().compileQuery(node, queryId);
        const plan = await db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN (ANALYZE, BUFFERS) ${compiled.sql}`, [...compiled.parameters]));
        out.push(`#### ${label}`, '', '```sql', compiled.sql, `-- parameters: ${JSON.stringify(compiled.parameters.map((p) => (Array.isArray(p) ? `[${p.length} blind terms]` : p)))}`, '```', '', '```');
        out.push(...plan.rows.map((r) => r['QUERY PLAN']), '```', '');
      }
    }
    return out.join('\n');
  } finally {
    await database.close();
  }
}
