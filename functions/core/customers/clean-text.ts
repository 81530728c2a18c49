/**
 * Free text from an import (names, incident notes) as it may reach an email: control characters
 * and the bidi embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069, the ones
 * that make "gpj.exe" read as "exe.jpg") can never be a legitimate part of a name or a note, so they
 * are removed. Ids are never cleaned: an id with a control character is refused (EntityIdSchema),
 * since changing it could make it another customer's.
 */
const bidiControls = /[\u202A-\u202E\u2066-\u2069]/g;
/** C0 controls, DEL and C1 controls, less the tab and line break a note keeps. */
const noteControls = /(?![\t\n])\p{Cc}/gu;

/** One-line text (a first name): line breaks and tabs become a space, other controls go. */
export function cleanLine(text: string): string {
  return text
    .replace(bidiControls, '')
    .replace(/[\t\r\n]+/g, ' ')
    .replace(/\p{Cc}/gu, '')
    .trim();
}

/** Text that may have lines (an incident's resolution note): CRLF and CR become LF, tabs stay. */
export function cleanNote(text: string): string {
  return text.replace(bidiControls, '').replace(/\r\n?/g, '\n').replace(noteControls, '').trim();
}
