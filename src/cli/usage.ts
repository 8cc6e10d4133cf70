import { API_SCOPES } from '../api/tokens/token-scopes.ts';

// The help text lives apart from the commands so `embargo help` loads nothing else.

export const TOKEN_USAGE = `  token create --name NAME [--scope SCOPE ...] [--program SLUG]
                             Create an API token (default scope: reports:submit; scopes:
                             ${API_SCOPES.join(', ')}). The token alone goes to standard
                             output, once; it is not stored and cannot be shown again
  token list [--program SLUG]
                             List the program's API tokens (never the tokens themselves)
  token revoke ID|NAME [--program SLUG]
                             Revoke a token; requests with it are refused from then on`;

export const KEY_USAGE = `  key generate [--program SLUG]
                             Generate a new OpenPGP key for the program (default: the first);
                             the previous key is retired and kept to decrypt old mail
  key import --file KEY.asc [--program SLUG]
                             Use your own key (gpg --export-secret-keys --armor); its passphrase
                             comes from EMBARGO_KEY_PASSPHRASE, standard input, or a prompt`;

export const RESET_SECOND_FACTOR_USAGE = `  user reset-second-factor --email E
                             Remove a locked-out staff member's second factor and recovery
                             codes and end their sessions; they sign in with their password
                             and set up a new authenticator`;

export const USER_MANAGE_USAGE = `  user list                  List staff accounts: e-mail, name, status, role in each program
  user set-role --email E --role R [--program SLUG]
                             Give a role in the program (default: the first): admin, lead,
                             triager, viewer, or none to take them out of it
  user deactivate --email E  End their sessions and stop the API tokens they created, at once;
                             they can no longer sign in (a program keeps at least one admin)
  user reactivate --email E  Let a deactivated account sign in again, with the roles it had`;

export const AUDIT_USAGE = `  audit verify               Check the audit log's hash chain (while the server runs); names the
                             first entry changed or missing, exit status 1 when the chain is broken`;

export const USAGE = `Usage: embargo <command>

Commands:
  serve                      Run the web server (and, on the embedded database, the worker)
  worker                     Run the background job worker only (PostgreSQL deployments)
  migrate [--dry-run]        Apply database migrations and exit; --dry-run lists the migrations
                             that would run, in order, and changes nothing
  init --example NAME [--force]
                             Write ./embargo.config.json from a shipped example program
                             (examples: gateway-vendor, fraud-platform)
  user add --email E --role R [--name N]
                             Create a staff account; the password is read from standard input
                             (or prompted). Roles: admin, lead, triager, viewer.
${USER_MANAGE_USAGE}
${RESET_SECOND_FACTOR_USAGE}
  backup --out FILE          Write a consistent backup of the database (while the server runs);
                             the instance secret is never in it (see docs/operations.md)
  backup verify FILE         Check a backup's checksums and format without restoring it
  restore FILE [--force]     Restore a backup into the configured, empty database (either kind:
                             a backup of the embedded database restores into PostgreSQL, and back)
${KEY_USAGE}
${TOKEN_USAGE}
${AUDIT_USAGE}

Configuration comes from the environment; see docs/configuration.md.`;
