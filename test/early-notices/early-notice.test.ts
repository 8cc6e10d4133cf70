import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { draftAdvisoryFromReport, loadStaffAdvisory, publishAdvisory } from '../../src/advisories/advisory-store.ts';
import { unseal } from '../../src/mail/seal.ts';
import { confirmSubscription } from '../../src/subscriptions/confirm-subscription.ts';
import { CONFIRM_TOKEN_PURPOSE, requestSubscription } from '../../src/subscriptions/request-subscription.ts';
import { Gpg } from '../keys/gpg-helper.ts';
import { mailContext, type MailTestContext } from '../mail/mail-helpers.ts';
import { otherProgram } from '../api/api-helpers.ts';
import { databaseKinds } from '../helpers/databases.ts';
import { demo, makeReport, makeStaff, testSecret } from '../helpers/factories.ts';
import { Client, startTestApp, type TestApp } from '../helpers/http-app.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

const HOSTILE = '<script>alert("amber")</script> & <img src=x onerror=alert(1)>';
const MITIGATION = `Block port 8443 at the edge until the fix is installed. ${HOSTILE}`;

/** Mail to customers (staff hear of each new report by mail too). */
const toCustomer = (m: { to: string[] }) => m.to.every((a) => a.endsWith('@customer.example'));

/** The signed part exactly as sent, and the detached signature (RFC 3156 §5). */
function signedParts(raw: string): { signed: string; signature: string } {
  const boundary = /boundary="?([^";\r\n]+)"?/.exec(raw)?.[1] ?? assert.fail('no boundary');
  const parts = raw.split(`\r\n--${boundary}`);
  const signed = parts[1]!.replace(/^\r\n/, '');
  const signature = /-----BEGIN PGP SIGNATURE-----[\s\S]+?-----END PGP SIGNATURE-----/.exec(parts[2]!)?.[0] ?? assert.fail('no signature');
  return { signed, signature };
}

for (const kind of await databaseKinds()) {
  describe(`early customer notice (TLP:AMBER), on ${kind}`, () => {
    let t: TestApp;
    let sink: Awaited<ReturnType<typeof startSmtpSink>>;
    let mail: MailTestContext;
    let lead: Client;
    let admin: Client;
    let triager: Client;
    let viewer: Client;
    let leadId: string;
    let adminId: string;
    let programId: string;

    /** A subscriber through the real double opt-in; confirmed unless told otherwise. */
    async function subscribe(email: string, selection: { allProducts: boolean; products: string[] }, confirm = true): Promise<void> {
      await requestSubscription(t.ctx.db, t.ctx.vault, testSecret, { programId, request: { email, ...selection }, sendMail: true });
      const job = await t.ctx.db.selectFrom('jobs').select('payload').where('kind', '=', 'subscription-mail').orderBy('id', 'desc').executeTakeFirstOrThrow();
      const p = job.payload as { subscriberId: string; sealedToken: string };
      if (confirm) await confirmSubscription(t.ctx.db, unseal(testSecret, CONFIRM_TOKEN_PURPOSE, p.subscriberId, Buffer.from(p.sealedToken, 'base64')).toString());
    }

    before(async () => {
      t = await startTestApp(kind);
      programId = (await demo(t.ctx.db)).id;
      sink = await startSmtpSink();
      mail = await mailContext(t.ctx.db, { EMBARGO_SMTP_URL: sink.url });
      const l = await makeStaff(t.ctx.db, 'lead', 'Lee Lead');
      const a = await makeStaff(t.ctx.db, 'admin', 'Ada Admin');
      leadId = l.id;
      adminId = a.id;
      lead = await Client.signedIn(t.app, l);
      admin = await Client.signedIn(t.app, a);
      triager = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'triager'));
      viewer = await Client.signedIn(t.app, await makeStaff(t.ctx.db, 'viewer'));
      await subscribe('cloud@customer.example', { allProducts: false, products: ['example-cloud'] });
      await subscribe('gateway@customer.example', { allProducts: false, products: ['example-gateway'] });
      await subscribe('everything@customer.example', { allProducts: true, products: [] });
      await subscribe('cloud-and-mobile@customer.example', { allProducts: false, products: ['example-mobile', 'example-cloud'] });
      await subscribe('pending@customer.example', { allProducts: false, products: ['example-cloud'] }, false);
      // A subscriber of another program who follows a product id of the same name.
      const other = await otherProgram(t.ctx.db);
      await requestSubscription(t.ctx.db, t.ctx.vault, testSecret, { programId: other.id, request: { email: 'other-program@customer.example', allProducts: true, products: [] }, sendMail: true });
      const job = await t.ctx.db.selectFrom('jobs').select('payload').where('kind', '=', 'subscription-mail').orderBy('id', 'desc').executeTakeFirstOrThrow();
      const p = job.payload as { subscriberId: string; sealedToken: string };
      await confirmSubscription(t.ctx.db, unseal(testSecret, CONFIRM_TOKEN_PURPOSE, p.subscriberId, Buffer.from(p.sealedToken, 'base64')).toString());
      // The confirmation mails are not what this file is about.
      await t.ctx.db.deleteFrom('jobs').where('kind', 'in', ['subscription-mail', 'forget-unconfirmed-subscribers']).execute();
    });
    after(async () => {
      mail?.close();
      await sink?.close();
      await t?.close();
    });

    /** Posts the form with several products (the Client's postForm takes one value per name). */
    async function post(client: Client, ref: string, fields: Record<string, string>, products: string[]) {
      const params = new URLSearchParams(fields);
      for (const p of products) params.append('products', p);
      const res = await t.app.inject({
        method: 'POST',
        url: `/staff/reports/${ref}/early-notice`,
        headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
        payload: params.toString(),
      });
      return res;
    }
    const form = (csrf: string, overrides: Record<string, string> = {}) => ({
      _csrf: csrf,
      title: 'Remote code execution in Example Cloud',
      severity: 'Critical (CVSS 3.1 base score 9.8)',
      summary: 'An unauthenticated attacker can run code on Example Cloud instances.',
      mitigation: MITIGATION,
      expectedFixDate: '2027-01-15',
      confirm: 'yes',
      ...overrides,
    });

    it('a lead sends it from the report page: only confirmed subscribers of the product get it, signed, and the timeline counts them', async () => {
      const report = await makeReport(t.ctx.db, { product: 'example-cloud', title: 'RCE via /api/debug', description: 'POST /api/debug?cmd=id runs the command: SECRET-EXPLOIT-STEP' });
      const reportPage = await lead.get(`/staff/reports/${report.reference}`);
      assert.match(reportPage.body, new RegExp(`href="/staff/reports/${report.reference}/early-notice"`));
      const page = await lead.get(`/staff/reports/${report.reference}/early-notice`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /TLP:AMBER/);
      assert.match(page.body, /name="products" value="example-cloud" checked/, 'pre-filled with the report’s product');
      assert.doesNotMatch(page.body, /SECRET-EXPLOIT-STEP/, 'the reporter’s exploit details are not pre-filled');
      assert.match(page.body, /Example Cloud \(2 confirmed subscribers\)/);

      const sent = await post(lead, report.reference, form(Client.csrf(page.body)), ['example-cloud']);
      assert.equal(sent.statusCode, 303, sent.body);
      assert.equal(sent.headers.location, `/staff/reports/${report.reference}/early-notice?done=sent`);

      const before = sink.mails.length;
      await mail.worker.drain();
      const mails = sink.mails.slice(before).filter(toCustomer);
      assert.deepEqual(mails.flatMap((m) => m.to).sort(), ['cloud-and-mobile@customer.example', 'cloud@customer.example', 'everything@customer.example']);

      const gpg = new Gpg();
      try {
        await gpg.ok(['--import'], mail.programKey.armor());
        for (const m of mails) {
          assert.match(m.raw, /^Content-Type: multipart\/signed; micalg=pgp-sha\d+;\s+protocol="application\/pgp-signature"/m);
          const { signed, signature } = signedParts(m.raw);
          const dir = mkdtempSync(path.join(tmpdir(), 'embargo-amber-'));
          writeFileSync(path.join(dir, 'part'), Buffer.from(signed, 'latin1'));
          writeFileSync(path.join(dir, 'part.asc'), signature);
          const verified = await gpg.run(['--verify', path.join(dir, 'part.asc'), path.join(dir, 'part')]);
          assert.equal(verified.code, 0, verified.stderr);
          assert.match(verified.stderr, /Good signature/);
          writeFileSync(path.join(dir, 'part'), Buffer.from(signed.replace('Block port 8443', 'Open port 8443'), 'latin1'));
          assert.notEqual((await gpg.run(['--verify', path.join(dir, 'part.asc'), path.join(dir, 'part')])).code, 0, 'a changed text fails');
          const parsed = await simpleParser(Buffer.from(m.raw, 'latin1'));
          assert.match(parsed.subject ?? '', /^\[TLP:AMBER\] Early security notice from Example Corp: Remote code execution in Example Cloud$/);
          const text = parsed.text ?? '';
          assert.match(text, /^TLP:AMBER\n/);
          assert.match(text, /members of your own organisation and its clients, but only on a need-to-know basis/);
          assert.ok(text.includes(MITIGATION), 'the mitigation as written (plain text)');
          assert.match(text, /Expected fix: by 2027-01-15/);
          assert.doesNotMatch(text, /SECRET-EXPLOIT-STEP/);
          assert.match(m.raw, /^List-Unsubscribe:\s*<https?:\/\/[^>]+\/unsubscribe\/[^>]+>/m);
        }
      } finally {
        gpg.close();
      }

      // Recorded: the timeline (who, when, how many; no address), the audit log, the deliveries.
      const events = await t.ctx.db.selectFrom('report_events').select(['type', 'actor_id', 'data', 'reporter_visible', 'created_at']).where('report_id', '=', report.id).where('type', '=', 'early-notice-sent').execute();
      assert.equal(events.length, 1);
      assert.equal(events[0]!.actor_id, leadId);
      assert.equal(events[0]!.reporter_visible, false);
      const data = events[0]!.data as Record<string, unknown>;
      assert.equal(data.recipients, 3);
      assert.deepEqual(data.products, ['example-cloud']);
      assert.equal(data.tlp, 'AMBER');
      assert.doesNotMatch(JSON.stringify(data), /@/, 'never an address in the timeline');
      const staffPage = await lead.get(`/staff/reports/${report.reference}`);
      assert.match(staffPage.body, /Lee Lead sent a TLP:AMBER early customer notice about example-cloud to 3 subscribers\./);
      const audit = await t.ctx.db.selectFrom('audit_log').select(['actor_id', 'details']).where('action', '=', 'report.early-notice-sent').where('report_id', '=', report.id).execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.actor_id, leadId);
      assert.equal(JSON.parse(audit[0]!.details).recipients, 3);
      assert.doesNotMatch(audit[0]!.details, /@|8443/);
      const deliveries = await t.ctx.db.selectFrom('subscriber_mail_deliveries').select(['result']).where('template', '=', 'early-notice').execute();
      assert.deepEqual(deliveries.map((d) => d.result), ['sent', 'sent', 'sent']);
      // The words are embargoed: sealed at rest.
      const stored = await t.ctx.db.selectFrom('early_notices').select(['content_sealed', 'state', 'recipients']).where('report_id', '=', report.id).executeTakeFirstOrThrow();
      assert.deepEqual([stored.state, stored.recipients], ['sent', 3]);
      assert.doesNotMatch(stored.content_sealed.toString('latin1'), /8443|Remote code/);
      // The page lists it, escaped.
      const listed = await lead.get(`/staff/reports/${report.reference}/early-notice?done=sent`);
      assert.match(listed.body, /Early notice sent/);
      assert.match(listed.body, /Sent .* to 3 subscribers/);
      assert.ok(listed.body.includes('Block port 8443 at the edge until the fix is installed. &lt;script'), 'hostile text is escaped');
      assert.ok(!listed.body.includes('<script>alert("amber")'));
      // The notice as CSAF 2.0 with TLP AMBER, for the team to hand on (test/early-notices/early-notice-csaf.test.ts validates it).
      const noticeId = /href="\/staff\/reports\/[^"/]+\/early-notice\/([0-9a-f-]{36})\.csaf\.json"/.exec(listed.body)?.[1] ?? assert.fail('no CSAF link');
      const csaf = await triager.get(`/staff/reports/${report.reference}/early-notice/${noticeId}.csaf.json`);
      assert.equal(csaf.statusCode, 200);
      assert.match(String(csaf.headers['content-disposition']), /^attachment; filename="emb-\d{4}-\d{4}-en-1\.json"$/);
      assert.equal(csaf.headers['cache-control'], 'no-store');
      const doc = JSON.parse(csaf.body);
      assert.equal(doc.document.distribution.tlp.label, 'AMBER');
      assert.equal(doc.document.tracking.id, `${report.reference}-EN-1`);
      assert.deepEqual(doc.vulnerabilities[0].product_status.known_affected, ['example-cloud']);
      assert.equal((await t.app.inject(`/staff/reports/${report.reference}/early-notice/${noticeId}.csaf.json`)).statusCode, 303, 'staff only');
      assert.equal((await lead.get(`/staff/reports/${report.reference}/early-notice/00000000-0000-0000-0000-000000000000.csaf.json`)).statusCode, 404);
      // A re-run of the jobs sends nothing more.
      const count = sink.mails.length;
      await t.ctx.db.updateTable('jobs').set({ state: 'pending', run_at: new Date() }).where('kind', '=', 'mail-early-notice').execute();
      await mail.worker.drain();
      assert.equal(sink.mails.length, count);
    });

    it('an admin may send it too; several products reach their subscribers once each', async () => {
      const report = await makeReport(t.ctx.db, { product: 'example-gateway' });
      const page = await admin.get(`/staff/reports/${report.reference}/early-notice`);
      const before = sink.mails.length;
      const sent = await post(admin, report.reference, form(Client.csrf(page.body)), ['example-gateway', 'example-mobile']);
      assert.equal(sent.statusCode, 303, sent.body);
      await mail.worker.drain();
      assert.deepEqual(sink.mails.slice(before).filter(toCustomer).flatMap((m) => m.to).sort(), ['cloud-and-mobile@customer.example', 'everything@customer.example', 'gateway@customer.example']);
      const event = await t.ctx.db.selectFrom('report_events').select(['actor_id', 'data']).where('report_id', '=', report.id).where('type', '=', 'early-notice-sent').executeTakeFirstOrThrow();
      assert.equal(event.actor_id, adminId);
      assert.equal((event.data as { recipients: number }).recipients, 3);
    });

    it('refuses triagers and viewers (no form, 403, nothing stored), other programs (404), and a post without a CSRF token', async () => {
      const report = await makeReport(t.ctx.db, { product: 'example-cloud' });
      const triagerReport = await triager.get(`/staff/reports/${report.reference}`);
      assert.doesNotMatch(triagerReport.body, /early-notice"/, 'no link for a triager');
      const page = await triager.get(`/staff/reports/${report.reference}/early-notice`);
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /name="mitigation"/);
      assert.match(page.body, /Only a lead or admin/);
      for (const client of [triager, viewer]) {
        const p = await client.get(`/staff/reports/${report.reference}/early-notice`);
        const refused = await post(client, report.reference, form(Client.csrf(p.body)), ['example-cloud']);
        assert.equal(refused.statusCode, 403);
      }
      const other = await otherProgram(t.ctx.db);
      const otherLeadUser = await makeStaff(t.ctx.db, 'lead');
      await t.ctx.db.deleteFrom('memberships').where('user_id', '=', otherLeadUser.id).where('program_id', '<>', other.id).execute();
      const otherLead = await Client.signedIn(t.app, otherLeadUser);
      assert.equal((await otherLead.get(`/staff/reports/${report.reference}/early-notice`)).statusCode, 404);
      const leadPage = await lead.get(`/staff/reports/${report.reference}/early-notice`);
      const forged = await post(lead, report.reference, { ...form(Client.csrf(leadPage.body)), _csrf: 'forged' }, ['example-cloud']);
      assert.equal(forged.statusCode, 403);
      const noSession = await new Client(t.app).postForm(`/staff/reports/${report.reference}/early-notice`, { title: 'x' });
      assert.equal(noSession.statusCode, 303);
      assert.match(String(noSession.headers.location), /^\/staff\/login/);
      const stored = await t.ctx.db.selectFrom('early_notices').select('id').where('report_id', '=', report.id).execute();
      assert.equal(stored.length, 0);
      assert.equal((await t.ctx.db.selectFrom('report_events').select('id').where('report_id', '=', report.id).where('type', '=', 'early-notice-sent').execute()).length, 0);
    });

    it('a refused form names the fields and keeps what was typed', async () => {
      const report = await makeReport(t.ctx.db, { product: 'example-cloud' });
      const page = await lead.get(`/staff/reports/${report.reference}/early-notice`);
      const bad = await post(lead, report.reference, form(Client.csrf(page.body), { mitigation: '', expectedFixDate: '2027-02-30', title: `Kept title ${HOSTILE}` }), ['toaster']);
      assert.equal(bad.statusCode, 422);
      for (const field of ['products', 'mitigation', 'expectedFixDate']) assert.match(bad.body, new RegExp(`id="en-${field}-err"`), field);
      assert.match(bad.body, /value="Kept title (&lt;|<)script(&gt;|>)alert\(&quot;amber&quot;\)/, 'what was typed comes back, escaped');
      assert.ok(!bad.body.includes('<script>alert("amber")'));
      const unconfirmed = await post(lead, report.reference, form(Client.csrf(page.body), { confirm: '' }), ['example-cloud']);
      assert.equal(unconfirmed.statusCode, 422);
      assert.match(unconfirmed.body, /id="en-confirm-err"/);
      assert.equal((await t.ctx.db.selectFrom('early_notices').select('id').where('report_id', '=', report.id).execute()).length, 0);
    });

    it('counts as publication under the two-person rule: it waits, the requester cannot approve it, another lead or admin sends exactly that text', async () => {
      await t.ctx.db.updateTable('programs').set({ two_person_rule: true }).where('id', '=', programId).execute();
      try {
        const report = await makeReport(t.ctx.db, { product: 'example-cloud' });
        const page = await lead.get(`/staff/reports/${report.reference}/early-notice`);
        assert.match(page.body, /Ask for approval to send/);
        const asked = await post(lead, report.reference, form(Client.csrf(page.body)), ['example-cloud']);
        assert.equal(asked.statusCode, 303, asked.body);
        assert.equal(asked.headers.location, `/staff/reports/${report.reference}/early-notice?done=pending`);
        const notice = await t.ctx.db.selectFrom('early_notices').select(['id', 'state']).where('report_id', '=', report.id).executeTakeFirstOrThrow();
        assert.equal(notice.state, 'awaiting-approval');
        assert.equal((await t.ctx.db.selectFrom('early_notice_recipients').select('id').where('notice_id', '=', notice.id).execute()).length, 0, 'nothing queued yet');
        const waiting = await lead.get(`/staff/reports/${report.reference}/early-notice`);
        assert.match(waiting.body, /Waiting for a second person/);
        const request = await t.ctx.db.selectFrom('approval_requests').select(['id', 'action']).where('report_id', '=', report.id).where('state', '=', 'pending').executeTakeFirstOrThrow();
        assert.equal(request.action, 'send-early-notice');
        const list = await lead.get('/staff/approvals');
        assert.match(list.body, /Sending an early customer notice/);
        assert.equal((await lead.postForm(`/staff/approvals/${request.id}`, { _csrf: Client.csrf(list.body), decision: 'approve' })).statusCode, 403, 'not by the requester');
        const before = sink.mails.length;
        const approved = await admin.postForm(`/staff/approvals/${request.id}`, { _csrf: Client.csrf((await admin.get('/staff/approvals')).body), decision: 'approve' });
        assert.equal(approved.statusCode, 303);
        await mail.worker.drain();
        assert.deepEqual(sink.mails.slice(before).filter(toCustomer).flatMap((m) => m.to).sort(), ['cloud-and-mobile@customer.example', 'cloud@customer.example', 'everything@customer.example']);
        const events = await t.ctx.db.selectFrom('report_events').select(['type', 'actor_id']).where('report_id', '=', report.id).orderBy('id').execute();
        assert.deepEqual(events.slice(-3).map((e) => [e.type, e.actor_id]), [['approval-requested', leadId], ['early-notice-sent', leadId], ['approval-granted', adminId]]);
      } finally {
        await t.ctx.db.updateTable('programs').set({ two_person_rule: false }).where('id', '=', programId).execute();
      }
    });

    it('under the two-person rule: a declined notice is shown as not sent, and another open request on the report comes first', async () => {
      await t.ctx.db.updateTable('programs').set({ two_person_rule: true }).where('id', '=', programId).execute();
      try {
        const report = await makeReport(t.ctx.db, { product: 'example-cloud' });
        const page = await lead.get(`/staff/reports/${report.reference}/early-notice`);
        assert.equal((await post(lead, report.reference, form(Client.csrf(page.body)), ['example-cloud'])).statusCode, 303);
        const again = await post(lead, report.reference, form(Client.csrf(page.body)), ['example-cloud']);
        assert.equal(again.statusCode, 409, 'one open request per report');
        assert.match(again.body, /Sending an early customer notice already waits for a second person/);
        const request = await t.ctx.db.selectFrom('approval_requests').select('id').where('report_id', '=', report.id).where('state', '=', 'pending').executeTakeFirstOrThrow();
        const declined = await admin.postForm(`/staff/approvals/${request.id}`, { _csrf: Client.csrf((await admin.get('/staff/approvals')).body), decision: 'decline' });
        assert.equal(declined.statusCode, 303);
        const after = await lead.get(`/staff/reports/${report.reference}/early-notice`);
        assert.match(after.body, /Declined under the two-person rule; not sent/);
        assert.equal((await t.ctx.db.selectFrom('early_notices').select('id').where('report_id', '=', report.id).where('state', '=', 'sent').execute()).length, 0);
        assert.equal((await t.ctx.db.selectFrom('jobs').select('id').where('kind', '=', 'mail-early-notice').where('state', '=', 'pending').execute()).length, 0);
      } finally {
        await t.ctx.db.updateTable('programs').set({ two_person_rule: false }).where('id', '=', programId).execute();
      }
    });

    it('is refused once the advisory is published', async () => {
      const report = await makeReport(t.ctx.db, { product: 'example-cloud' });
      const { id } = await draftAdvisoryFromReport(t.ctx.db, t.ctx.vault, { reportReference: report.reference, actorId: leadId });
      const draft = (await loadStaffAdvisory(t.ctx.db, t.ctx.vault, id))!;
      await publishAdvisory(t.ctx.db, t.ctx.vault, { id, actorId: leadId, content: { ...draft.content, summary: 'Published.' }, revisionSummary: '', baseUrl: 'https://x' });
      const page = await lead.get(`/staff/reports/${report.reference}/early-notice`);
      assert.match(page.body, /The advisory is published/);
      const refused = await post(lead, report.reference, form(Client.csrf(page.body)), ['example-cloud']);
      assert.equal(refused.statusCode, 409);
      assert.match(refused.body, /The advisory is published/);
      assert.equal((await t.ctx.db.selectFrom('early_notices').select('id').where('report_id', '=', report.id).execute()).length, 0);
    });
  });
}
