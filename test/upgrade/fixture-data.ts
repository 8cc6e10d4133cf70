/** What test/fixtures/upgrade/seed.ts wrote with a release's code, for the upgrade test to read back. */
export interface ReleaseData {
  programKeyFingerprint: string;
  /** The migrations the release had run. */
  migrations: string[];
  /** Test-only credentials, like the fixture's instance secret. */
  staff: { email: string; password: string; displayName: string; role: string; totpSecret?: string; recoveryCode?: string }[];
  reports: {
    reference: string;
    channel: 'web' | 'email';
    trackingToken?: string;
    title: string;
    descriptionIncludes: string;
    reporterName: string | null;
    reporterEmail: string | null;
    state: string;
    evaluation?: string;
    expectedResolutionDate?: string;
    /** sha256 of each attachment's plaintext. */
    attachments: { filename: string; sha256: string; size: number; onMessage?: string }[];
    /** Message bodies as they start (the evaluation message ends with a formatted date). */
    messages: { body: string; visibility: 'reporter' | 'internal'; author: 'staff' | 'reporter' }[];
    rawMailSha256?: string;
  }[];
  advisory: { publicId: string; reportReference: string; title: string; cvssVector: string; credits: string[] };
  subscriber: { email: string; products: string[] };
  /** A reply whose notification was still queued when the release stopped: the new worker must send it. */
  pendingNotice: { reportReference: string; to: string };
}

/** expected.json: the release's commit and one ReleaseData per database kind. */
export interface FixtureManifest {
  release: string;
  madeAt: string;
  embedded: ReleaseData;
  postgres: ReleaseData;
}
