import type { DataKey, ReportVault } from '../crypto/report-vault.ts';

/**
 * Words someone wrote about a report that an event carries: a state change's
 * reason (a closing note, often filled from a canned response with the title
 * and the reporter's name), a resolution date's reason. They are sealed with
 * the report's data key in `report_events.text_sealed`, never put in the
 * event's clear `data`; readers see them merged back into `data`.
 */
export interface EventText {
  reason?: string;
}

/** The keys of EventText: recordEvent refuses them in clear data, the start-up task moves old rows' out of it. */
export const EVENT_TEXT_FIELDS = ['reason'] as const satisfies readonly (keyof EventText)[];

/** Clear event data: anything but the EventText fields, which the type forbids here. */
export type EventData = Record<string, unknown> & { [K in keyof EventText]?: never };

const purpose = (eventId: string) => `event-text:${eventId}`;

export function sealEventText(vault: ReportVault, key: DataKey, eventId: string, text: EventText): Buffer {
  return vault.sealJson(key, purpose(eventId), text);
}

export function openEventText(vault: ReportVault, key: DataKey, eventId: string, sealed: Buffer): EventText {
  const opened = vault.openJson<Record<string, unknown>>(key, purpose(eventId), sealed);
  return typeof opened.reason === 'string' ? { reason: opened.reason } : {};
}

/** The EventText fields held in clear data by rows of earlier versions, and the data without them. */
export function splitLegacyText(data: Record<string, unknown>): { text: EventText; rest: Record<string, unknown> } {
  const rest = { ...data };
  const text: EventText = {};
  for (const field of EVENT_TEXT_FIELDS) {
    if (typeof rest[field] === 'string') text[field] = rest[field];
    delete rest[field];
  }
  return { text, rest };
}

/** What readers of an event see: the clear data with its opened text (and any legacy clear text, until sealed on start). */
export function eventDataWithText(vault: ReportVault, key: DataKey | undefined, row: { id: string; data: Record<string, unknown>; text_sealed: Buffer | null }): Record<string, unknown> {
  if (!row.text_sealed) return row.data;
  if (!key) throw new Error('The report key is needed to open an event’s text.');
  return { ...row.data, ...openEventText(vault, key, row.id, row.text_sealed) };
}
