/**
 * Just enough raw MIME handling for OpenPGP: multipart/signed must be
 * verified over the exact bytes of its first part (RFC 3156 §5), and the
 * parts of multipart/encrypted are read before any parser rewrites them.
 * Everything else is left to mailparser.
 */

export interface RawEntity {
  /** Unfolded header lines as "name: value", in order. */
  headers: { name: string; value: string }[];
  body: Buffer;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const LFLF = Buffer.from('\n\n');

/** Splits an entity at the blank line; an entity without one is all headers (RFC 2045 allows an empty body). */
export function parseEntity(raw: Buffer): RawEntity {
  const crlf = raw.indexOf(CRLFCRLF);
  const lf = raw.indexOf(LFLF);
  let end: number;
  let sep: number;
  if (crlf >= 0 && (lf < 0 || crlf < lf)) [end, sep] = [crlf, 4];
  else if (lf >= 0) [end, sep] = [lf, 2];
  else [end, sep] = [raw.length, 0];
  const headerText = raw.subarray(0, end).toString('latin1');
  const headers: { name: string; value: string }[] = [];
  for (const line of headerText.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length > 0) headers[headers.length - 1]!.value += ` ${line.trim()}`;
    else {
      const colon = line.indexOf(':');
      if (colon > 0) headers.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() });
    }
  }
  return { headers, body: raw.subarray(Math.min(raw.length, end + sep)) };
}

export function header(entity: RawEntity, name: string): string | undefined {
  return entity.headers.find((h) => h.name === name)?.value;
}

/** Content-Type as { type, params } with lower-case type and parameter names; text/plain when absent. */
export function contentType(entity: RawEntity): { type: string; params: Record<string, string> } {
  const value = header(entity, 'content-type') ?? 'text/plain';
  const [type, ...rest] = value.split(';');
  const params: Record<string, string> = {};
  const re = /([A-Za-z0-9_*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]+)/g;
  for (const m of rest.join(';').matchAll(re)) {
    params[m[1]!.toLowerCase()] = m[2]!.startsWith('"') ? m[2]!.slice(1, -1).replace(/\\(.)/g, '$1') : m[2]!;
  }
  return { type: (type ?? '').trim().toLowerCase(), params };
}

/**
 * The raw parts of a multipart body, each exactly as sent: the CRLF before a
 * delimiter belongs to the delimiter (RFC 2046 §5.1.1), so it is not part of
 * the content a signature covers. Parts after a missing close delimiter are
 * kept (a truncated mail still yields what arrived).
 */
export function multipartParts(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  const parts: Buffer[] = [];
  let pos = text.startsWith(delimiter) ? 0 : text.indexOf(`\n${delimiter}`);
  if (pos < 0) return parts;
  if (pos > 0) pos += 1;
  for (;;) {
    const lineEnd = text.indexOf('\n', pos);
    if (lineEnd < 0) break;
    if (text.startsWith(`${delimiter}--`, pos)) break;
    const start = lineEnd + 1;
    let next = text.indexOf(`\n${delimiter}`, start);
    if (next < 0) next = text.length;
    const end = next > start && text[next - 1] === '\r' ? next - 1 : next;
    parts.push(body.subarray(start, Math.max(start, end)));
    if (next >= text.length) break;
    pos = next + 1;
  }
  return parts;
}

/** Line endings as CRLF: the canonical form OpenPGP signatures over MIME are made on. */
export function canonicalCrlf(data: Buffer): Buffer {
  return Buffer.from(data.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

/** The decoded body of a part (base64 and quoted-printable; anything else as is). */
export function decodedBody(entity: RawEntity): Buffer {
  const cte = (header(entity, 'content-transfer-encoding') ?? '').toLowerCase();
  if (cte === 'base64') return Buffer.from(entity.body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (cte === 'quoted-printable') {
    const qp = entity.body.toString('latin1').replace(/=\r?\n/g, '');
    return Buffer.from(qp.replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  }
  return entity.body;
}
