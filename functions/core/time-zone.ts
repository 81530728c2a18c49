/** True when `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  // Every imported or scanned customer is checked; building a formatter costs tens of microseconds.
  const known = timeZoneChecks.get(zone);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    valid = true;
  } catch {
    valid = false;
  }
  if (timeZoneChecks.size < 1_000) timeZoneChecks.set(zone, valid);
  return valid;
}
const timeZoneChecks = new Map<string, boolean>();

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The wall-clock formatter of a zone (numeric fields, 24-hour), built once per zone: building one
 * costs tens of microseconds, and imports and the send policy ask for the same few zones again and again.
 */
export function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let cached = zoneFormatters.get(timeZone);
  if (cached === undefined) {
    cached = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    zoneFormatters.set(timeZone, cached);
  }
  return cached;
}
