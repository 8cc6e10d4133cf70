/**
 * `npm run migrations:seal`: adds the hash of every new migration to
 * src/db/migrations/MANIFEST.sha256. Run it when a migration is final (at the
 * latest before it reaches main); after that the file is never edited.
 */
import { manifestProblems, MANIFEST_PATH, sealNewMigrations } from './migration-manifest.ts';

const added = sealNewMigrations();
for (const file of added) console.log(`sealed ${file}`);
if (added.length === 0) console.log(`nothing new to seal in ${MANIFEST_PATH}`);
const problems = manifestProblems();
for (const p of problems) console.error(p);
process.exit(problems.length > 0 ? 1 : 0);
