import type { StaffActor } from '../auth/policies.ts';

/** Configure a program's webhooks and issue trackers, and see their deliveries: the program's admins. */
export function canManageIntegrations(actor: StaffActor, programId: string): boolean {
  return actor.roles.get(programId) === 'admin';
}

/** The programs whose integrations `actor` manages. */
export function integrationPrograms(actor: StaffActor): string[] {
  return [...actor.roles].filter(([, role]) => role === 'admin').map(([id]) => id);
}
