import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAdvisoryForm } from '../../src/advisories/advisory-content.ts';
import { draftAdvisoryFromReport, publishAdvisory } from '../../src/advisories/advisory-store.ts';
import { findCopiedAdvisory } from '../../src/triage/advisory-similarity.ts';
import { senderHasher } from '../../src/triage/sender-hash.ts';
import { assessSubmission, describeSpamSignal } from '../../src/triage/spam-signals.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { demo, makeReport, makeStaff, testSecret, testVault } from '../helpers/factories.ts';

/** A published advisory as vendors write them. */
const ADVISORY = {
  title: 'Server-side request forgery in the Example Cloud webhook tester',
  summary:
    'The webhook test feature of Example Cloud fetched any URL an authenticated user supplied, including addresses on the internal network and the cloud metadata service. An attacker with a user account could read instance credentials. Update to 4.2.2.',
  details:
    'The "Send test event" button in the webhook settings made a server-side HTTP request to the configured URL without checking where it resolved. Requests to 169.254.169.254 returned the metadata service response in the error message shown to the user, disclosing temporary cloud credentials. Version 4.2.2 resolves the host first and refuses private, loopback and link-local addresses.',
};

/** Beg-bounty style: the advisory pasted back with a new title and a sentence around it. */
const COPIED = {
  title: 'Critical SSRF vulnerability in webhook tester',
  description: `Hello team, I found a critical issue. ${ADVISORY.summary} ${ADVISORY.details} Please reward me.`,
};

/** The advisory's summary reworded, with part of the details: still mostly the advisory. */
const REWORDED = {
  title: 'Server side request forgery in webhook tester',
  description:
    'The webhook test feature fetched any URL a user supplied, including internal network addresses and the cloud metadata service, so an attacker with an account could read instance credentials. The "Send test event" button makes a server-side HTTP request to the configured URL without checking where it resolves.',
};

/** Honest new reports about the same product, one even about webhooks. */
const HONEST = [
  {
    title: 'Webhook signatures are not verified on redelivery',
    description:
      'When a webhook delivery is retried from the deliveries page, Example Cloud sends it without the X-Signature header, so receivers that verify signatures reject it and receivers that do not verify accept forged replays. I captured a redelivery with a local listener and compared the headers with the first attempt.',
  },
  {
    title: 'IDOR in project export lets any user download other tenants\' data',
    description:
      'The export endpoint /api/projects/{id}/export checks that the caller is signed in but not that the project belongs to their organisation. Changing the numeric id downloads the full export of another tenant, including member e-mail addresses and API keys.',
  },
];

for (const kind of await databaseKinds()) {
  describe(`spam signal: near-duplicate of a published advisory (${kind})`, () => {
    it('flags pasted and reworded advisories, not honest reports about the same product, and only published ones', async () => {
      const t = await freshDatabase(kind);
      try {
        const program = await demo(t.db);
        const lead = await makeStaff(t.db, 'lead');
        const report = await makeReport(t.db);
        const { id } = await draftAdvisoryFromReport(t.db, testVault, { reportReference: report.reference, actorId: lead.id });
        const parsed = parseAdvisoryForm({ ...ADVISORY, 'product.0.id': 'example-cloud', 'product.0.fixed': '4.2.2' }, program.config.products, { publishing: true });
        assert.ok(parsed.ok);

        const text = (s: { title: string; description: string }) => `${s.title}\n${s.description}`;
        assert.equal(await findCopiedAdvisory(t.db, program.id, text(COPIED)), undefined, 'a draft is not compared: it is not public');

        const { publicId } = await publishAdvisory(t.db, testVault, { id, actorId: lead.id, content: parsed.content, revisionSummary: '', baseUrl: 'https://x.test' });
        const copied = await findCopiedAdvisory(t.db, program.id, text(COPIED));
        const reworded = await findCopiedAdvisory(t.db, program.id, text(REWORDED));
        assert.equal(copied?.publicId, publicId);
        assert.ok(copied.similarity >= 0.75, `a pasted advisory is nearly a copy (similarity ${copied.similarity})`);
        assert.equal(reworded?.publicId, publicId, 'a reworded advisory is much like it');
        for (const honest of HONEST) {
          assert.equal(await findCopiedAdvisory(t.db, program.id, text(honest)), undefined, `"${honest.title}" is a new report`);
        }

        // Through the whole assessment: a copy alone quarantines; the reworded one is a weak signal.
        const hasher = senderHasher(testSecret);
        const steps = '1. Open webhook settings\n2. Set the URL to http://169.254.169.254/latest/meta-data/\n3. Press Send test event';
        const assess = (s: { title: string; description: string }) =>
          assessSubmission(t.db, hasher, { programId: program.id, input: { ...s, stepsToReproduce: steps, impact: 'Cloud credentials of the instance are disclosed to any user account holder.' } });
        const a1 = await assess(COPIED);
        assert.equal(a1.quarantined, true);
        assert.match(a1.reasons[0]!, new RegExp(`^advisory-copy:${publicId}:0\\.\\d+$`));
        assert.match(describeSpamSignal(a1.reasons[0]!), new RegExp(`^Nearly a copy of published advisory ${publicId} \\(\\d+% similar\\)\\.$`));
        const a2 = await assess(REWORDED);
        assert.equal(a2.quarantined, false, 'one weak signal alone does not quarantine');
        assert.deepEqual(a2.reasons, []);
        const a2bare = await assessSubmission(t.db, hasher, { programId: program.id, input: { ...REWORDED, stepsToReproduce: 'see above', impact: '' } });
        assert.equal(a2bare.quarantined, true, 'with another weak signal it does');
        assert.ok(a2bare.reasons.some((r) => new RegExp(`^advisory-near-duplicate:${publicId}:0\\.\\d+$`).test(r)), a2bare.reasons.join());
        const a3 = await assess(HONEST[0]!);
        assert.equal(a3.quarantined, false);
        // Another program's advisories are not compared.
        const otherProgram = await t.db.insertInto('programs').values({ slug: 'other', name: 'Other', config: JSON.stringify(program.config) }).returning('id').executeTakeFirstOrThrow();
        assert.equal(await findCopiedAdvisory(t.db, otherProgram.id, text(COPIED)), undefined);
      } finally {
        await t.close();
      }
    });
  });
}
