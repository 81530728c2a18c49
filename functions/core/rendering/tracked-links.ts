/**
 * The links SES would track in this HTML, in order: the href of each anchor without `ses:no-track`
 * that is http(s), or in a compiled template a Liquid output (`{{ … }}`) that renders to one. SES
 * rewrites only those: mailto and tel links, and the unsubscribe link (no-track), stay as they are.
 */
export function trackedLinks(html: string): string[] {
  const links: string[] = [];
  for (const anchor of html.matchAll(/<a\b[^>]*>/gi)) {
    const tag = anchor[0];
    if (/\sses:no-track\b/i.test(tag)) continue;
    const href = /\shref="((?:https?:|\{\{)[^"]*)"/i.exec(tag)?.[1];
    if (href !== undefined) links.push(href.replaceAll('&amp;', '&'));
  }
  return links;
}
