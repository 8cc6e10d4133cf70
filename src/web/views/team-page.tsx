import type { Role } from '../../db/schema.ts';
import { describeStaffEvent, type StaffHistoryEntry } from '../../staff/accounts/staff-events.ts';
import type { TeamMember } from '../../staff/accounts/team.ts';
import { ErrorSummary, FieldError, Layout, formatDate, type PageChrome } from './layout.tsx';

export interface InvitationValues {
  email: string;
  displayName: string;
  role: string;
  programIds: string[];
}

const ROLES: Role[] = ['admin', 'lead', 'triager', 'viewer'];
const STATUS_WORDS = { active: 'Active', invited: 'Invited (link sent)', deactivated: 'Deactivated' } as const;

/** One member's role in one program: a small form when the viewer administers it, else the role as text. */
function RoleCell(props: { member: TeamMember; program: { id: string; name: string }; csrf: string; editable: boolean }) {
  const role = props.member.roles.get(props.program.id);
  if (!props.editable) return <td>{role ?? '—'}</td>;
  const id = `role-${props.member.id}-${props.program.id}`;
  return (
    <td>
      <form method="post" action={`/staff/team/${props.member.id}/role`} class="inline">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <input type="hidden" name="program" value={props.program.id} />
        <label for={id} class="visually-hidden">{`Role of ${props.member.displayName} in ${props.program.name}`}</label>
        <select id={id} name="role">
          {ROLES.map((r) => (
            <option key={r} value={r} selected={role === r}>{r}</option>
          ))}
          <option value="none" selected={role === undefined}>no role</option>
        </select>{' '}
        <button type="submit">Change</button>
      </form>
    </td>
  );
}

function ActionButton(props: { member: TeamMember; csrf: string; action: string; label: string }) {
  return (
    <form method="post" action={`/staff/team/${props.member.id}/${props.action}`} class="inline">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <button type="submit" aria-label={`${props.label}: ${props.member.displayName}`}>{props.label}</button>
    </form>
  );
}

/** /staff/team: who has which role in which program, the invitation form, and the history of account changes. */
export function TeamPage(props: {
  chrome: PageChrome;
  csrf: string;
  /** Every program, in columns; the viewer changes roles only where they are admin. */
  programs: { id: string; name: string }[];
  administered: ReadonlySet<string>;
  /** Whether the viewer may deactivate, reactivate or reset the member (admin of all their programs). */
  manages: (member: TeamMember) => boolean;
  members: TeamMember[];
  history: StaffHistoryEntry[];
  values: InvitationValues;
  errors: Record<string, string>;
  flash?: string;
  problem?: string;
  mailConfigured: boolean;
  selfId: string;
}) {
  const { programs, members, values, errors } = props;
  const invitable = programs.filter((p) => props.administered.has(p.id));
  return (
    <Layout chrome={props.chrome} title="Team" wide>
      <h1>Team</h1>
      <p class="meta">
        Who has which role in which program. Role changes take effect on the member’s next page; deactivating ends their sessions and stops the API
        tokens they created at once, and their name stays in timelines and in the history below. Blocked spam senders are on the{' '}
        <a href="/staff/blocks">block list</a>.
      </p>
      {props.flash ? <p class="notice success" role="status">{props.flash}</p> : null}
      {props.problem ? <p class="notice error" role="alert">{props.problem}</p> : null}
      {props.mailConfigured ? null : (
        <p class="notice error">Outgoing mail is not configured (EMBARGO_SMTP_URL): invitations and reset links cannot be delivered until it is.</p>
      )}

      <h2>Members</h2>
      <table class="inbox">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">E-mail</th>
            <th scope="col">Status</th>
            {programs.map((p) => (
              <th key={p.id} scope="col">Role in {p.name}</th>
            ))}
            <th scope="col">Account</th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.id}>
              <td>
                {m.displayName}
                {m.id === props.selfId ? <span class="meta"> (you)</span> : null}
              </td>
              <td>{m.email}</td>
              <td>{STATUS_WORDS[m.status]}</td>
              {programs.map((p) => (
                <RoleCell key={p.id} member={m} program={p} csrf={props.csrf} editable={props.administered.has(p.id)} />
              ))}
              <td>
                {!props.manages(m) ? null : m.status === 'active' ? (
                  <>
                    <ActionButton member={m} csrf={props.csrf} action="password-reset" label="Send password reset link" />{' '}
                    <ActionButton member={m} csrf={props.csrf} action="deactivate" label="Deactivate" />
                  </>
                ) : m.status === 'invited' ? (
                  <ActionButton member={m} csrf={props.csrf} action="deactivate" label="Cancel invitation" />
                ) : m.hasPassword ? (
                  <ActionButton member={m} csrf={props.csrf} action="reactivate" label="Reactivate" />
                ) : (
                  <span class="meta">Never joined: invite again</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2 id="invite">Invite someone</h2>
      <p class="meta">They get a one-time link by mail (valid 72 hours) to choose their password; the account is active once they have.</p>
      <ErrorSummary errors={errors} labels={{ email: 'E-mail', displayName: 'Name', role: 'Role', programIds: 'Programs' }} />
      <form method="post" action="/staff/team/invite" class="narrow composer">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <div class={errors.email ? 'field invalid' : 'field'}>
          <label for="email">E-mail</label>
          <FieldError id="email" message={errors.email} />
          <input id="email" name="email" type="email" required maxLength={320} value={values.email} />
        </div>
        <div class={errors.displayName ? 'field invalid' : 'field'}>
          <label for="displayName">Name</label>
          <p class="hint">As the team will see it; they can change it.</p>
          <FieldError id="displayName" message={errors.displayName} />
          <input id="displayName" name="displayName" required maxLength={100} value={values.displayName} />
        </div>
        <div class={errors.role ? 'field invalid' : 'field'}>
          <label for="role">Role</label>
          <p class="hint">Admin: everything, the team included. Lead: publishes advisories. Triager: works on reports. Viewer: reads.</p>
          <FieldError id="role" message={errors.role} />
          <select id="role" name="role">
            {ROLES.map((r) => (
              <option key={r} value={r} selected={values.role === r}>{r}</option>
            ))}
          </select>
        </div>
        <fieldset class={errors.programIds ? 'field choices invalid' : 'field choices'} id="programIds">
          <legend class="label">Programs</legend>
          <FieldError id="programIds" message={errors.programIds} />
          {invitable.map((p) => (
            <div key={p.id}>
              <input type="checkbox" id={`program-${p.id}`} name="programs" value={p.id} checked={values.programIds.includes(p.id)} />{' '}
              <label for={`program-${p.id}`}>{p.name}</label>
            </div>
          ))}
        </fieldset>
        <p>
          <button type="submit" class="primary">Send invitation</button>
        </p>
      </form>

      <h2>History</h2>
      {props.history.length === 0 ? (
        <p class="empty">No account changes yet.</p>
      ) : (
        <ol class="timeline">
          {props.history.map((e, i) => (
            <li key={i}>
              <span class="meta">{formatDate(e.at)}</span> {describeStaffEvent(e)}
            </li>
          ))}
        </ol>
      )}
    </Layout>
  );
}
