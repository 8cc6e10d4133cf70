/**
 * An independent security.txt reader for the tests, written from RFC 9116
 * §4 (ABNF) and RFC 4880 §7 (cleartext signature framework); it shares no
 * code with src/. It throws on anything the grammar does not allow.
 */
export interface ParsedSecurityTxt {
  /** Hash armor header values of the signed form; [] when unsigned. */
  hashHeaders: string[];
  signed: boolean;
  /** Field name (lowercased) → values in order. */
  fields: Map<string, string[]>;
  /** The signed text as a verifier sees it (dash-escaping removed). */
  text: string;
}

const KNOWN = ['acknowledgments', 'canonical', 'contact', 'encryption', 'expires', 'hiring', 'policy', 'preferred-languages', 'csaf'];

export function parseSecurityTxt(raw: string): ParsedSecurityTxt {
  let text = raw;
  const hashHeaders: string[] = [];
  const signed = raw.startsWith('-----BEGIN PGP SIGNED MESSAGE-----');
  if (signed) {
    const lines = raw.split(/\r?\n/);
    let i = 1;
    // armor headers until the empty line; RFC 4880 §7 allows only Hash here
    for (; i < lines.length && lines[i] !== ''; i++) {
      const m = /^([A-Za-z]+): (.+)$/.exec(lines[i]!);
      if (!m || m[1] !== 'Hash') throw new Error(`unexpected armor header line ${JSON.stringify(lines[i])}`);
      hashHeaders.push(m[2]!);
    }
    const end = lines.indexOf('-----BEGIN PGP SIGNATURE-----', i);
    if (end < 0) throw new Error('signed message without a signature block');
    if (!lines.slice(end).includes('-----END PGP SIGNATURE-----')) throw new Error('unterminated signature block');
    const body = lines.slice(i + 1, end).map((l) => {
      if (l.startsWith('-')) {
        if (!l.startsWith('- ')) throw new Error(`line starting with "-" is not dash-escaped: ${l}`);
        return l.slice(2);
      }
      return l;
    });
    text = body.join('\n');
  }
  const fields = new Map<string, string[]>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || /^[ \t]*$/.test(line)) continue;
    if (line.startsWith('#')) continue; // comment
    // field = field-name ":" *WSP value; ext-name = 1*( ALPHA / DIGIT / "-" )
    const m = /^([A-Za-z0-9-]+):[ \t]*([\x21-\x7e\x80-\u{10ffff}](?:[\x20-\x7e\x80-\u{10ffff}]*[\x21-\x7e\x80-\u{10ffff}])?)[ \t]*$/u.exec(line);
    if (!m) throw new Error(`not a field or comment: ${JSON.stringify(line)}`);
    const name = m[1]!.toLowerCase();
    if (!KNOWN.includes(name)) throw new Error(`unknown field ${m[1]} (allowed, but not expected from Embargo)`);
    fields.set(name, [...(fields.get(name) ?? []), m[2]!]);
  }
  if (!fields.get('contact')?.length) throw new Error('Contact is required');
  if (fields.get('expires')?.length !== 1) throw new Error('Expires must appear exactly once');
  for (const once of ['preferred-languages']) if ((fields.get(once)?.length ?? 0) > 1) throw new Error(`${once} must appear at most once`);
  return { hashHeaders, signed, fields, text };
}

/** RFC 3339 date-time (RFC 9116 §2.5.5), in UTC or with an offset. */
export function parseExpires(value: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) throw new Error(`Expires is not RFC 3339: ${value}`);
  return new Date(value);
}
