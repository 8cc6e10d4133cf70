import { POLICY_NOT_SHOWN, type PolicyAcceptance } from '../../domain/policy-acceptance.ts';
import { formatDate } from './layout.tsx';

/** "Accepted version 3 on …", or, for a report by e-mail, that the policy was never shown (version in force). */
export function PolicyAcceptanceText(props: { acceptance: PolicyAcceptance }) {
  const a = props.acceptance;
  if (a.kind === 'accepted') return <>Accepted version {a.version} on {formatDate(a.at)}</>;
  return (
    <>
      <span class="policy-not-shown">{POLICY_NOT_SHOWN[0]!.toUpperCase() + POLICY_NOT_SHOWN.slice(1)}</span> <span class="meta">(version {a.version} was in force)</span>
    </>
  );
}
