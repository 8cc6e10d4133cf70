import type { StaffActor } from '../../auth/policies.ts';
import { ForbiddenError } from '../../errors.ts';

/** An operator at the command line (`embargo user …`): trusted like the server's own files, recorded as nobody. */
export interface OperatorActor {
  kind: 'operator';
}
export const OPERATOR: OperatorActor = { kind: 'operator' };

/** Who changes a staff account: a signed-in admin (checked by the policies) or an operator. */
export type AccountActor = StaffActor | OperatorActor;

/** The staff id to record in the history; null for an operator. */
export function actorId(actor: AccountActor): string | null {
  return actor.kind === 'staff' ? actor.userId : null;
}

/** Refuses a staff actor the policy does not allow; operators pass. */
export function authorize(actor: AccountActor, allowed: (staff: StaffActor) => boolean, message = 'Only administrators manage staff accounts.'): void {
  if (actor.kind === 'staff' && !allowed(actor)) throw new ForbiddenError(message);
}
