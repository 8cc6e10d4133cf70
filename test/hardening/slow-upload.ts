import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';

export const BOUNDARY = 'embargo-test-boundary-7MA4YWxkTrZu0gW';
export const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;

/** The opening of a multipart body: fields, in order, then the headers of one file part. */
export function multipartHead(fields: [string, string][], file?: { name: string; filename: string }): Buffer {
  let head = '';
  for (const [name, value] of fields) head += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  if (file) head += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return Buffer.from(head);
}

export function multipartTail(): Buffer {
  return Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
}

/**
 * A request body that arrives as a slow client would send it: `head`, then
 * `fileBytes` of file data, then `tail`. After the first `holdAfter` bytes
 * it waits for the server's answer (or `patienceMs`), so a server that reads
 * the whole upload before answering is caught: `consumedWhenAnswered` then
 * equals the whole body.
 */
export class SlowUpload {
  private consumed = 0;
  private answeredAt: number | undefined;
  private answered: () => void = () => {};
  private readonly answer = new Promise<void>((resolve) => (this.answered = resolve));
  private ended: () => void = () => {};
  /** Settles once the server has taken the whole body or closed it: a server that stops reading and never closes leaves it pending. */
  readonly done = new Promise<void>((resolve) => (this.ended = resolve));
  readonly total: number;

  constructor(
    private readonly head: Buffer,
    private readonly fileBytes: number,
    private readonly tail: Buffer,
    private readonly opts: { holdAfter?: number; patienceMs?: number } = {},
  ) {
    this.total = head.length + fileBytes + tail.length;
  }

  stream(): Readable {
    const self = this;
    return Readable.from(
      (async function* () {
        try {
          yield* self.chunks();
        } finally {
          self.ended();
        }
      })(),
      { objectMode: false },
    );
  }

  private async *chunks(): AsyncGenerator<Buffer> {
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    const holdAfter = this.opts.holdAfter ?? 1024 * 1024;
    this.consumed += this.head.length;
    yield this.head;
    let held = false;
    for (let sent = 0; sent < this.fileBytes; sent += chunk.length) {
      if (sent >= holdAfter && !held) {
        held = true;
        await Promise.race([this.answer, delay(this.opts.patienceMs ?? 5000)]);
      }
      const piece = chunk.subarray(0, Math.min(chunk.length, this.fileBytes - sent));
      this.consumed += piece.length;
      yield piece;
    }
    this.consumed += this.tail.length;
    yield this.tail;
  }

  /** Call when the response arrived. */
  markAnswered(): void {
    this.answeredAt ??= this.consumed;
    this.answered();
  }

  /** Bytes the server had taken from the body when it answered. */
  get consumedWhenAnswered(): number {
    if (this.answeredAt === undefined) throw new Error('no answer yet');
    return this.answeredAt;
  }
}
