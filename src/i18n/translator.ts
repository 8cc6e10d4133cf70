import { createIntl, createIntlCache, type IntlShape } from '@formatjs/intl';
import { DEFAULT_LANGUAGE, type Language } from './languages.ts';
import { CATALOGUES, type MessageKey } from './catalogues.ts';
import { formatSize } from './file-size.ts';

/** Values an ICU message may name: text and numbers (plurals), dates. */
export type MessageValues = Record<string, string | number | Date>;

/**
 * One reader's language: messages (ICU MessageFormat, @formatjs/intl) and
 * dates in their language and format. Views and mail templates get one of
 * these instead of writing English.
 */
export interface Translator {
  language: Language;
  /** A message with its placeholders filled; plain text (views escape it like any other text). */
  t(key: MessageKey, values?: MessageValues): string;
  /**
   * A message whose `<tag>…</tag>` parts become nodes (links, emphasis) made by the
   * caller: the translator keeps the words and their order, the code keeps the markup.
   */
  rich<T>(key: MessageKey, values: Record<string, string | number | Date | T | ((chunks: (string | T)[]) => T)>): (string | T)[];
  /**
   * A moment as a wall-clock time in `timeZone`, in the reader's language, with the zone named:
   * "Mon 7 Dec 2026 17:00 (Europe/Amsterdam time)", "mån 7 dec. 2026 17:00 (tid i Europe/Amsterdam)".
   * With `yearOf`, the year is left out when it is that date's year.
   */
  dateTime(d: Date, timeZone: string, yearOf?: Date): string;
  /** How far a moment is from now, in words: "in 3 days", "om 3 dagar", "tra 3 giorni", "2 hours ago". */
  relative(d: Date, now: Date): string;
  /** A calendar date: "2 dicembre 2026", "2 december 2026", in English "2026-12-02" (a Date, or an ISO date kept as that day). */
  date(d: Date | string, timeZone?: string): string;
  /** A file size in the reader's number format: "10.0 MB", "10,0 MB". */
  size(bytes: number): string;
}

/** BCP 47 tags the formats follow: European conventions (24-hour clock, day before month). */
const LOCALE: Readonly<Record<Language, string>> = { en: 'en-GB', sv: 'sv-SE', it: 'it-IT' };

const cache = createIntlCache();
const intls = new Map<Language, IntlShape<string>>();

function intlFor(language: Language): IntlShape<string> {
  let intl = intls.get(language);
  if (!intl) {
    intl = createIntl(
      {
        locale: LOCALE[language],
        defaultLocale: LOCALE[DEFAULT_LANGUAGE],
        messages: CATALOGUES[language],
        // A missing message is a type error and a failed test (test/unit/i18n-catalogues.test.ts); at run time the key shows.
        onError: () => {},
      },
      cache,
    );
    intls.set(language, intl);
  }
  return intl;
}

const translators = new Map<Language, Translator>();

export function translator(language: Language): Translator {
  let tr = translators.get(language);
  if (tr) return tr;
  const intl = intlFor(language);
  const locale = LOCALE[language];
  tr = {
    language,
    t: (key, values) => String(intl.formatMessage({ id: key }, values)),
    rich: <T,>(key: MessageKey, values: Record<string, unknown>) => {
      const out = intl.formatMessage({ id: key }, values as never) as unknown;
      return (Array.isArray(out) ? out : [out]) as (string | T)[];
    },
    dateTime: (d, timeZone, yearOf) => {
      const year = (x: Date) => new Intl.DateTimeFormat('en', { year: 'numeric', timeZone }).format(x);
      const withYear = yearOf === undefined || year(yearOf) !== year(d);
      const time = new Intl.DateTimeFormat(locale, {
        timeZone, hourCycle: 'h23', weekday: 'short', day: 'numeric', month: 'short', ...(withYear ? { year: 'numeric' } : {}), hour: '2-digit', minute: '2-digit',
      })
        .format(d)
        // en-GB writes "Thu 26 Nov, 17:00"; a plainer sentence without the comma(s), as src/calendar/zoned-time.ts.
        .replace(/,/g, '');
      return String(intl.formatMessage({ id: 'time.inZone' }, { time, zone: timeZone }));
    },
    relative: (d, now) => {
      const ms = d.getTime() - now.getTime();
      const f = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
      const abs = Math.abs(ms);
      if (abs >= 86_400_000) return f.format(Math.round(ms / 86_400_000), 'day');
      if (abs >= 3_600_000) return f.format(Math.round(ms / 3_600_000), 'hour');
      return f.format(Math.round(ms / 60_000), 'minute');
    },
    date: (d, timeZone) =>
      // English keeps ISO 8601 days (2026-12-07), as every English page and mail wrote them before; other languages write the month.
      language === 'en'
        ? typeof d === 'string'
          ? d.slice(0, 10)
          : new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: timeZone ?? 'UTC' }).format(d)
        : typeof d === 'string'
        ? // An ISO date names a day, not a moment: shown as that day wherever the reader is.
          new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${d.slice(0, 10)}T00:00:00Z`))
        : new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric', timeZone: timeZone ?? 'UTC' }).format(d),
    size: (bytes) => {
      // English keeps formatSize's output byte for byte; other languages write their decimal comma.
      if (language === 'en') return formatSize(bytes);
      const one = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
      if (bytes < 1024) return `${new Intl.NumberFormat(locale).format(bytes)} B`;
      if (bytes < 1024 * 1024) return `${one.format(bytes / 1024)} KB`;
      return `${one.format(bytes / 1024 / 1024)} MB`;
    },
  };
  translators.set(language, tr);
  return tr;
}
