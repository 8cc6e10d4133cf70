import type { Octokit } from '@octokit/rest';
import type { TrackerKind } from '../db/tracker-tables.ts';
import { guardedFetch, outboundRequest } from '../webhooks/outbound-request.ts';
import { targetProblem } from '../webhooks/outbound-target.ts';

export interface NewIssue {
  title: string;
  body: string;
  labels: string[];
}

export interface CreatedIssue {
  externalId: string;
  url: string;
  state: string;
}

/** The calls Embargo makes to a tracker: create an issue, read its state. */
export interface TrackerClient {
  create(issue: NewIssue): Promise<CreatedIssue>;
  state(externalId: string): Promise<string>;
}

export interface TrackerSettings {
  kind: TrackerKind;
  baseUrl: string;
  project: string;
  account: string;
  token: string;
  issueType: string;
}

/**
 * A client for one configured tracker; every request obeys the SSRF rules (src/webhooks/outbound-target.ts).
 * The GitHub and Jira libraries load on first use: together they are some 20 MB of heap that a server
 * without those trackers should not carry (docs/performance.md, memory).
 */
export function trackerClient(t: TrackerSettings, allowPrivate: boolean): TrackerClient {
  if (t.kind === 'github') return githubClient(t, allowPrivate);
  if (t.kind === 'gitlab') return gitlabClient(t, allowPrivate);
  return jiraClient(t, allowPrivate);
}

/** GitHub REST API (2022-11-28) through @octokit/rest: POST and GET /repos/{owner}/{repo}/issues. */
function githubClient(t: TrackerSettings, allowPrivate: boolean): TrackerClient {
  const [owner, repo] = t.project.split('/') as [string, string];
  let loaded: Promise<Octokit> | undefined;
  const client = () =>
    (loaded ??= import('@octokit/rest').then(
      ({ Octokit }) => new Octokit({ auth: t.token, baseUrl: t.baseUrl.replace(/\/+$/, ''), userAgent: 'Embargo', request: { fetch: guardedFetch(allowPrivate), retries: 0 } }),
    ));
  return {
    async create(issue) {
      const octokit = await client();
      const { data } = await octokit.rest.issues.create({ owner, repo, title: issue.title, body: issue.body, labels: issue.labels });
      return { externalId: String(data.number), url: data.html_url, state: data.state };
    },
    async state(externalId) {
      const octokit = await client();
      const { data } = await octokit.rest.issues.get({ owner, repo, issue_number: Number(externalId) });
      return data.state;
    },
  };
}

/** GitLab REST API v4: POST /projects/:id/issues, GET /projects/:id/issues/:iid, with a PRIVATE-TOKEN header. */
function gitlabClient(t: TrackerSettings, allowPrivate: boolean): TrackerClient {
  const base = `${t.baseUrl.replace(/\/+$/, '')}/api/v4/projects/${encodeURIComponent(t.project)}/issues`;
  const headers = { 'private-token': t.token, 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'Embargo' };
  async function call(method: string, url: string, body?: unknown): Promise<Record<string, unknown>> {
    const answer = await outboundRequest(url, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}), allowPrivate });
    if (answer.status < 200 || answer.status > 299) throw new Error(`GitLab answered HTTP ${answer.status}`);
    return JSON.parse(answer.body) as Record<string, unknown>;
  }
  return {
    async create(issue) {
      const data = await call('POST', base, { title: issue.title, description: issue.body, labels: issue.labels.join(',') });
      return { externalId: String(data.iid), url: String(data.web_url), state: String(data.state) };
    },
    async state(externalId) {
      return String((await call('GET', `${base}/${encodeURIComponent(externalId)}`)).state);
    },
  };
}

/**
 * Jira Cloud REST API v3 through jira.js: POST /rest/api/3/issue, GET /rest/api/3/issue/{key}.
 * jira.js uses the global fetch, so the address is checked before each call instead of at connection time.
 */
function jiraClient(t: TrackerSettings, allowPrivate: boolean): TrackerClient {
  const host = t.baseUrl.replace(/\/+$/, '');
  const auth = t.account ? { type: 'basic' as const, email: t.account, apiToken: t.token } : { type: 'bearer' as const, token: t.token };
  let loaded: ReturnType<typeof loadJira> | undefined;
  const loadJira = async () => {
    const [{ createClient }, { createIssue, getIssue }] = await Promise.all([import('jira.js/core'), import('jira.js/cloud')]);
    return { client: createClient({ host, auth, retry: { maxAttempts: 1 } }), createIssue, getIssue };
  };
  const jira = () => (loaded ??= loadJira());
  async function check() {
    const problem = await targetProblem(host, allowPrivate);
    if (problem) throw new Error(`refused: ${problem}`);
  }
  return {
    async create(issue) {
      await check();
      const { client, createIssue } = await jira();
      const created = await createIssue(client, {
        fields: {
          project: { key: t.project },
          summary: issue.title,
          issuetype: { name: t.issueType },
          labels: issue.labels.map((l) => l.replace(/\s+/g, '-')),
          // Atlassian Document Format: one paragraph per blank-line-separated block.
          description: {
            type: 'doc',
            version: 1,
            content: issue.body.split(/\n{2,}/).filter((p) => p.trim()).map((p) => ({ type: 'paragraph', content: [{ type: 'text', text: p }] })),
          },
        } as never,
      });
      const key = String(created.key);
      return { externalId: key, url: `${host}/browse/${encodeURIComponent(key)}`, state: await this.state(key).catch(() => 'created') };
    },
    async state(externalId) {
      await check();
      const { client, getIssue } = await jira();
      const issue = await getIssue(client, { issueIdOrKey: externalId, fields: ['status'] });
      return String((issue.fields as { status?: { name?: string } } | undefined)?.status?.name ?? 'unknown');
    },
  };
}
