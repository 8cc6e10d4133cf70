import type { Channel } from '../db/schema.ts';

/** What a report can truthfully say about the disclosure policy and its reporter. */
export type PolicyAcceptance =
  | { kind: 'accepted'; version: number; at: Date }
  /** The report came by e-mail: the sender never saw the policy; `version` was in force when it arrived. */
  | { kind: 'not-shown'; version: number };

/**
 * Whether a channel shows the reporter the policy before they submit: the web
 * form does (and requires the box), the API requires the platform to assert
 * the reporter accepted it; a mail arrives with no policy ever shown, and a
 * record the team makes for an incident has no reporter to show it to.
 * submitReport applies this, so no adapter can claim an acceptance.
 */
export function channelShowsPolicy(channel: Channel): boolean {
  return channel !== 'email' && channel !== 'staff';
}

/** The acceptance a report records, from its stored columns. */
export function readPolicyAcceptance(report: { policy_accepted_at: Date | null }, version: number): PolicyAcceptance {
  return report.policy_accepted_at ? { kind: 'accepted', version, at: report.policy_accepted_at } : { kind: 'not-shown', version };
}

/** The words every channel uses for "never shown" (report page, exports, API descriptions). */
export const POLICY_NOT_SHOWN = 'by e-mail, policy not shown';
