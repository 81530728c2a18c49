/** `1 customer`, `2 customers`: a count with its noun in the right number (English). */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
