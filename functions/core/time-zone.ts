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
