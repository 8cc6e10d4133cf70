import type * as OpenPGP from 'openpgp';

let loading: Promise<typeof OpenPGP> | undefined;

/**
 * OpenPGP.js, loaded on first use. It is the largest library Embargo holds
 * (8 MB of heap once loaded, measured in docs/performance.md, "Memory"), and
 * a server on PostgreSQL or the embedded database needs it only for mail,
 * browser-encrypted reports, key management and signatures: a vendor who takes
 * reports through the plain web form never pays for it. Every module that
 * encrypts, decrypts, signs or reads keys takes it from here; a static
 * `import … from 'openpgp'` elsewhere would load it at start again
 * (test/build/compiled.test.ts checks that start does not).
 */
export function openpgpLib(): Promise<typeof OpenPGP> {
  return (loading ??= import('openpgp'));
}
