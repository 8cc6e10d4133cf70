import { Busboy, type BusboyFileStream, type BusboyHeaders } from '@fastify/busboy';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PayloadTooLargeError } from '../errors.ts';
import { fileTooLargeMessage, tooManyFilesMessage, type UploadLimits } from '../intake/upload-messages.ts';
import type { UploadedFile } from '../reports/attachments.ts';
import { formatSize } from './views/layout.tsx';
import { verifyCsrf } from './page-context.ts';

export interface ParsedForm {
  fields: Record<string, string>;
  files: UploadedFile[];
  /** A message for the attachments field when files were refused; fields are still complete. */
  fileError: string | undefined;
}

/** Longest single field: the sealed message of a browser-encrypted report (armored, up to ~1 MB) is the largest we expect. */
const FIELD_BYTES = 1024 * 1024;
/** All fields of one form together; our longest form holds about 120,000 characters. */
const FIELDS_TOTAL_BYTES = 2 * 1024 * 1024;
const MAX_FIELDS = 100;
/** Fields taken before a CSRF token shows up. Our forms send _csrf first, so this only bounds a hostile client. */
const BEFORE_CSRF_BYTES = 64 * 1024;
/** Boundary and headers around one part. */
const PART_OVERHEAD_BYTES = 1024;

/**
 * The largest body a valid form can have: every file at the limit (plus the
 * empty part of a file input left empty) and every field. Anything larger
 * can never be accepted, so it is not read.
 */
export function maxFormBytes(limits: UploadLimits): number {
  return (limits.maxFiles + 1) * (limits.maxBytes + PART_OVERHEAD_BYTES) + FIELDS_TOTAL_BYTES + MAX_FIELDS * PART_OVERHEAD_BYTES;
}

/**
 * Reads a multipart form (a report, a reply) without letting an anonymous
 * client make the server hold what it sends:
 * - the CSRF token is checked before any file byte is read: from the
 *   x-csrf-token header, or from the `_csrf` field, which every multipart
 *   form in the views sends first; a file part before a valid token ends the
 *   request;
 * - at most `maxFiles` files are kept, each of at most `maxBytes`; the parser
 *   skips further files, and an oversized file is drained, not kept;
 * - fields are bounded in number, length and total;
 * - a body larger than any valid form (maxFormBytes) is refused unread when
 *   Content-Length says so, and cut off when it gets there otherwise.
 * A refused request is answered at once; Node's HTTP server then closes the
 * connection instead of reading the rest of the body.
 * Files over the limits do not refuse the form: it is read to the end so the
 * page can be shown again with everything typed kept.
 * Rate limits and tokens in the URL are the caller's to check before calling.
 */
export function readMultipartForm(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, limits: UploadLimits): Promise<ParsedForm> {
  const maxBody = maxFormBytes(limits);
  const tooLarge = () =>
    new PayloadTooLargeError(
      `What you sent is larger than this form accepts: at most ${limits.maxFiles} files of ${formatSize(limits.maxBytes)} each, with the text. Go back and attach fewer or smaller files.`,
    );
  if (Number(request.headers['content-length'] ?? 0) > maxBody) {
    // Not a byte is read: the connection closes once the answer is sent.
    reply.header('connection', 'close');
    return Promise.reject(tooLarge());
  }
  const check = (token: string | undefined) => verifyCsrf(app, request, reply, token).then(() => true as const, (err: Error) => err);
  const raw = request.raw;

  return new Promise<ParsedForm>((resolve, reject) => {
    const fields: Record<string, string> = {};
    const files: UploadedFile[] = [];
    let fileError: string | undefined;
    // Started by the header, the _csrf field, the first file, or the end of the body, whichever comes first;
    // a refusal ends the reading as soon as it is known.
    let csrf: Promise<true | Error> | undefined;
    const startCsrf = (token: string | undefined) => {
      csrf = check(token);
      void csrf.then((verdict) => verdict !== true && fail(verdict));
      return csrf;
    };
    if (request.headers['x-csrf-token']) startCsrf(undefined);
    let fieldBytes = 0;
    let received = 0;
    let settled = false;
    let reading: BusboyFileStream | undefined;
    let queue: Promise<void> = Promise.resolve();

    let parser: InstanceType<typeof Busboy>;
    try {
      parser = new Busboy({
        headers: request.headers as BusboyHeaders,
        // One file more than allowed: a file input left empty sends an empty part, which must not count.
        limits: { fieldSize: FIELD_BYTES, fields: MAX_FIELDS, fileSize: limits.maxBytes, files: limits.maxFiles + 1 },
      });
    } catch (err) {
      reject(badRequest(err));
      return;
    }

    function fail(err: Error): void {
      if (settled) return;
      settled = true;
      raw.unpipe(parser);
      reading?.destroy();
      reading = undefined;
      // What already arrived is discarded; Node closes the connection once the answer is sent.
      raw.resume();
      reject(err);
    }

    function refuseFiles(message: string): void {
      fileError = message;
      files.length = 0;
    }

    async function readFile(stream: BusboyFileStream, filename: string, mimetype: string): Promise<void> {
      const verdict = await csrf!;
      if (settled) return;
      if (verdict !== true) return fail(verdict);
      // Once a file is refused the form is shown again without files, so none is kept from then on.
      const keep = fileError === undefined && files.length < limits.maxFiles;
      const chunks: Buffer[] = [];
      let size = 0;
      reading = stream;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (keep) chunks.push(chunk);
      }
      reading = undefined;
      if (filename === '' && size === 0) return; // a file input left empty
      if (stream.truncated) refuseFiles(fileTooLargeMessage(filename, limits));
      else if (files.length >= limits.maxFiles) refuseFiles(tooManyFilesMessage(limits));
      else if (keep) files.push({ filename, contentType: mimetype, content: Buffer.concat(chunks, size) });
    }

    parser.on('field', (name: string, value: string) => {
      if (settled) return;
      fieldBytes += Buffer.byteLength(value);
      if (!csrf && name === '_csrf') startCsrf(value);
      if (!csrf && fieldBytes > BEFORE_CSRF_BYTES) startCsrf(undefined);
      if (fieldBytes > FIELDS_TOTAL_BYTES) return fail(tooLarge());
      if (name in Object.prototype || Object.hasOwn(fields, name)) return;
      fields[name] = value;
    });
    parser.on('file', (_name: string, stream: BusboyFileStream, filename: string, _encoding: string, mimetype: string) => {
      if (settled) return void stream.resume();
      if (!csrf) startCsrf(undefined);
      queue = queue.then(() => readFile(stream, filename, mimetype)).catch((err: Error) => fail(badRequest(err)));
    });
    parser.on('filesLimit', () => refuseFiles(tooManyFilesMessage(limits)));
    parser.on('fieldsLimit', () => fail(tooLarge()));
    parser.on('error', (err: Error) => fail(badRequest(err)));
    parser.on('finish', () => {
      void queue.then(async () => {
        const verdict = await (csrf ?? startCsrf(undefined));
        if (verdict !== true) return fail(verdict);
        if (settled) return;
        settled = true;
        resolve({ fields, files, fileError });
      });
    });

    raw.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= maxBody) return;
      if (settled) raw.destroy();
      else fail(tooLarge());
    });
    raw.once('close', () => {
      if (!raw.readableEnded) fail(badRequest(new Error('the client closed the connection before the form was sent')));
    });
    raw.pipe(parser);
  });
}

/** A malformed body is the client's fault: 400, not 500. */
function badRequest(err: unknown): Error {
  return Object.assign(new Error(`Malformed multipart form: ${(err as Error).message}`), { statusCode: 400 });
}
