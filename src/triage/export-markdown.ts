/**
 * A report as a plain ("not security") ticket in Markdown, to paste into an
 * ordinary issue tracker. Pure: the caller opens the report and its thread.
 *
 * Everything typed by a person (reporter or staff) goes through `mdText`, so
 * the tracker shows it as text: no links, images, headings, code or HTML can be
 * smuggled in by the reporter. Only the skeleton written here is Markdown.
 */

export interface TicketInput {
  reference: string;
  title: string;
  product: string;
  productVersion: string;
  vulnerabilityType: string;
  receivedAt: Date;
  description: string;
  stepsToReproduce: string;
  impact: string;
  /** How the reporter asked to be credited (name or handle), or null: the e-mail address never leaves Embargo. */
  reportedBy: string | null;
  /** The reporter-visible thread only: internal notes stay with the security team. */
  thread: { at: Date; from: 'reporter' | 'team'; body: string }[];
}

// CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones
// that start or end markup somewhere (GFM tables and strikethrough, setext
// headings, lists, math and @mentions in common trackers included).
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()#+\-.!|>~=^$@:"']/g;

/**
 * One line of user text, inert: Markdown punctuation backslash-escaped, `&` and
 * `<` as entities so raw HTML (and entity tricks like `&lt;script`) stays
 * text. `&` first, so the entities we write are not escaped again.
 */
export function mdInline(value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    .replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/\n+/g, ' ');
}

/**
 * Multi-line user text: each line escaped like `mdInline`; leading spaces
 * dropped (four would make an indented code block); line breaks kept as hard
 * breaks, blank lines as paragraph breaks.
 */
export function mdText(value: string): string {
  const lines = value.replace(/\r\n?/g, '\n').split('\n').map((l) => mdInline(l.trimStart()).trimEnd());
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines[i + 1];
    // A trailing backslash is CommonMark's hard line break; a lone one at the very end would be literal.
    out.push(line && next ? `${line}\\` : line);
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const section = (heading: string, body: string) => `## ${heading}\n\n${mdText(body) || '_None given._'}\n`;

export function ticketMarkdown(t: TicketInput): string {
  const facts = [
    `- **Reference:** ${mdInline(t.reference)}`,
    `- **Product:** ${mdInline(t.product)} ${mdInline(t.productVersion)}`,
    `- **Kind:** ${mdInline(t.vulnerabilityType)}`,
    `- **Received:** ${day(t.receivedAt)}`,
    ...(t.reportedBy ? [`- **Reported by:** ${mdInline(t.reportedBy)}`] : []),
  ];
  const thread = t.thread.length
    ? t.thread.map((m) => `### ${day(m.at)}, ${m.from === 'reporter' ? 'reporter' : 'security team'}\n\n${mdText(m.body) || '_Empty message._'}\n`).join('\n')
    : '_No messages._\n';
  return [
    `# ${mdInline(t.title)}`,
    '',
    'Converted from a security report: the security team found it is not a security issue.',
    '',
    ...facts,
    '',
    section('Description', t.description),
    section('Steps to reproduce', t.stepsToReproduce),
    section('Impact', t.impact),
    '## Conversation with the reporter',
    '',
    thread,
  ].join('\n');
}

/** The download's file name: references are `EMB-YYYY-NNNN`, but nothing else may reach the header. */
export function ticketFilename(reference: string): string {
  return `${reference.replace(/[^A-Za-z0-9-]/g, '_')}.md`;
}
