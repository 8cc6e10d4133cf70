import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mdInline, mdText, ticketFilename, ticketMarkdown, type TicketInput } from '../../src/triage/export-markdown.ts';

const base: TicketInput = {
  reference: 'EMB-2026-0007',
  title: 'Typo on the login page',
  product: 'Example Cloud',
  productVersion: '4.2.1',
  vulnerabilityType: 'Other',
  receivedAt: new Date('2026-11-02T09:00:00Z'),
  description: 'The button says "Sing in".',
  stepsToReproduce: '1. Open /login',
  impact: 'None.',
  reportedBy: 'Ada Lovelace',
  thread: [{ at: new Date('2026-11-03T10:00:00Z'), from: 'team', body: 'Thanks!' }],
};

describe('Markdown ticket export (pure)', () => {
  it('neutralises HTML: no tag or entity survives as markup', () => {
    const out = mdInline('<script>alert(1)</script> &lt;b&gt;');
    assert.doesNotMatch(out, /<script/);
    assert.doesNotMatch(out, /<\/script/);
    assert.match(out, /&lt;script&gt;|&lt;script\\>/);
    // An entity typed by the user is shown as typed, not decoded into a tag.
    assert.match(out, /&amp;lt;b&amp;gt;/);
  });

  it('turns links, images, code and emphasis into text', () => {
    const out = mdInline('[x](javascript:alert(1)) ![i](http://evil/p.png) `code` **bold** _em_ ~~s~~');
    // Every opening bracket, paren, backtick, star, underscore and tilde is escaped.
    assert.doesNotMatch(out, /(^|[^\\])[[\]()`*_~!]/);
    assert.match(out, /\\\[x\\\]\\\(javascript\\:alert\\\(1\\\)\\\)/);
  });

  it('keeps user lines from becoming headings, lists, quotes, rules, tables or code blocks', () => {
    const out = mdText('# Heading\n## Two\n> quote\n- item\n+ item\n1. item\n---\n===\n| a | b |\n    indented code\n```\nfence');
    for (const line of out.split('\n')) {
      assert.doesNotMatch(line, /^(#|>|-|\+|\d+\.|\||`|=|\s)/, `line starts as markup: ${line}`);
    }
    assert.match(out, /^\\# Heading\\$/m);
  });

  it('keeps line breaks and paragraphs, and a trailing backslash stays literal', () => {
    assert.equal(mdText('one\ntwo\n\n\n\nthree\\'), 'one\\\ntwo\n\nthree\\\\');
  });

  it('builds the ticket: skeleton is Markdown, every user value escaped', () => {
    const md = ticketMarkdown({
      ...base,
      title: '# <img src=x onerror=alert(1)>',
      description: '[x](javascript:alert(1))',
      reportedBy: '@everyone',
      thread: [{ at: new Date('2026-11-03T10:00:00Z'), from: 'reporter', body: '```\n<script>alert(1)</script>\n```' }],
    });
    assert.match(md, /^# \\# &lt;img src\\=x onerror\\=alert\\\(1\\\)\\>\n/);
    assert.match(md, /^- \*\*Reference:\*\* EMB\\-2026\\-0007$/m);
    assert.match(md, /^- \*\*Reported by:\*\* \\@everyone$/m);
    assert.match(md, /^## Description\n\n\\\[x\\\]\\\(javascript\\:alert\\\(1\\\)\\\)$/m);
    assert.match(md, /^### 2026-11-03, reporter$/m);
    assert.doesNotMatch(md, /<script|<img|^```/m);
  });

  it('leaves out the reporter when they chose no name, and says when the thread is empty', () => {
    const md = ticketMarkdown({ ...base, reportedBy: null, thread: [] });
    assert.doesNotMatch(md, /Reported by/);
    assert.match(md, /_No messages\._/);
  });

  it('names the file after the reference only', () => {
    assert.equal(ticketFilename('EMB-2026-0007'), 'EMB-2026-0007.md');
    assert.equal(ticketFilename('EMB"\r\n'), 'EMB___.md');
  });
});
