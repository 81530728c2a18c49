import type { ComposedEmail } from '../../core/rendering/compose-email.ts';
import type { PreviewTimeline } from './timeline.ts';

/** A message folder: the locales it compiled in, and its files' problems (source file:line). */
export interface TemplateEntry {
  readonly id: string;
  readonly locales: readonly string[];
  /** Locales whose file did not compile. */
  readonly brokenLocales: readonly string[];
  readonly issues: readonly string[];
}

/** Everything one preview page shows. */
export interface PageModel {
  readonly templates: readonly TemplateEntry[];
  /** Problems outside a message folder (partials), or why the folder could not be read. */
  readonly otherIssues: readonly string[];
  /** Every locale a template or the config names. */
  readonly locales: readonly string[];
  /** The customers listed by name; others are found by id. */
  readonly customers: readonly { readonly id: string; readonly label: string }[];
  readonly customerCount: number;
  readonly customerSource: 'samples' | 'shop';
  readonly selection: {
    readonly template?: string | undefined;
    readonly locale: string;
    readonly customer?: string | undefined;
  };
  readonly customerLabel?: string;
  readonly configError?: string;
  readonly composed?: { readonly email: ComposedEmail } | { readonly error: string };
  readonly timeline?: PreviewTimeline;
  /** Where "send test" goes; `to` when only that address may receive it. */
  readonly sendTarget: { readonly label: string; readonly to?: string };
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** The query of a page: a template in a locale for a customer. */
function query(selection: PageModel['selection']): string {
  const params = new URLSearchParams();
  if (selection.template !== undefined) params.set('template', selection.template);
  params.set('locale', selection.locale);
  if (selection.customer !== undefined) params.set('customer', selection.customer);
  return params.toString();
}

const link = (text: string, selection: PageModel['selection'], current: boolean, extra = '') =>
  `<a href="/?${escapeHtml(query(selection))}"${current ? ' aria-current="page"' : ''}${extra}>${escapeHtml(text)}</a>`;

function templateNav(model: PageModel): string {
  const { selection } = model;
  const items = model.templates.map((template) => {
    const status = template.issues.length > 0 ? 'error' : 'ok';
    const badge =
      template.locales.length === 0
        ? ' <span class="badge error">does not compile</span>'
        : template.issues.length > 0
          ? ` <span class="badge error">${template.issues.length} ${template.issues.length === 1 ? 'problem' : 'problems'}</span>`
          : '';
    const locales = model.locales.map((locale) => {
      const current = template.id === selection.template && locale === selection.locale;
      const broken = template.brokenLocales.includes(locale);
      const missing = !broken && !template.locales.includes(locale);
      return `<li>${link(
        broken ? `${locale} ✗` : missing ? `${locale}*` : locale,
        { ...selection, template: template.id, locale },
        current,
        broken
          ? ` title="the ${escapeHtml(locale)} file does not compile"`
          : missing
            ? ` title="no ${escapeHtml(locale)} file: shows the fallback"`
            : '',
      )}</li>`;
    });
    return `<li class="template" data-template="${escapeHtml(template.id)}" data-status="${status}">
      <span class="name">${escapeHtml(template.id)}</span>${badge}
      <ul class="locales" aria-label="${escapeHtml(template.id)} locales">${locales.join('')}</ul>
    </li>`;
  });
  return `<h2 id="nav-templates">Templates</h2>
  <ul class="templates" aria-labelledby="nav-templates">${items.join('\n')}</ul>
  <p class="hint">* no file in that locale: its customers get the fallback. ✗ the file does not compile.</p>`;
}

function customerNav(model: PageModel): string {
  const { selection } = model;
  const source =
    model.customerSource === 'samples'
      ? `${model.customerCount} sample customers`
      : `${model.customerCount.toLocaleString('en')} customers from the shop's files${
          model.customerCount > model.customers.length ? ` (the first ${model.customers.length} listed)` : ''
        }`;
  const items = model.customers.map(
    (customer) =>
      `<li>${link(customer.label, { ...selection, customer: customer.id }, customer.id === selection.customer)}</li>`,
  );
  const hidden = [
    selection.template === undefined
      ? ''
      : `<input type="hidden" name="template" value="${escapeHtml(selection.template)}" />`,
    `<input type="hidden" name="locale" value="${escapeHtml(selection.locale)}" />`,
  ].join('');
  return `<h2 id="nav-customers">Customers</h2>
  <p class="hint">${escapeHtml(source)}</p>
  <ul class="customers" aria-labelledby="nav-customers">${items.join('\n')}</ul>
  <form class="find" method="get" action="/">${hidden}
    <label for="customer-id">Customer ID</label>
    <input id="customer-id" name="customer" value="${escapeHtml(selection.customer ?? '')}" autocomplete="off" />
    <button type="submit">Show</button>
  </form>`;
}

const list = (lines: readonly string[]) =>
  `<ul>${lines.map((line) => `<li><code>${escapeHtml(line)}</code></li>`).join('')}</ul>`;

function problems(model: PageModel): string {
  const parts: string[] = [];
  if (model.configError !== undefined)
    parts.push(`<section class="problem" role="alert" aria-labelledby="config-error">
      <h2 id="config-error">The config is invalid: no email can be composed</h2>
      <pre>${escapeHtml(model.configError)}</pre></section>`);
  if (model.otherIssues.length > 0)
    parts.push(`<section class="problem" aria-labelledby="other-issues">
      <h2 id="other-issues">Problems outside the message folders</h2>${list(model.otherIssues)}</section>`);
  const selected = model.templates.find((template) => template.id === model.selection.template);
  if (selected !== undefined && selected.issues.length > 0)
    parts.push(`<section class="problem" data-errors="${escapeHtml(selected.id)}" aria-labelledby="template-errors">
      <h2 id="template-errors">${escapeHtml(selected.id)}: ${selected.issues.length} ${selected.issues.length === 1 ? 'problem' : 'problems'}</h2>
      ${list(selected.issues)}
      <p>The other templates still render: pick one on the left.</p></section>`);
  return parts.join('\n');
}

/** The hidden preheader as MJML places it, so the page shows what inboxes show after the subject. */
function preheaderOf(html: string): string {
  const hidden = /<div\b[^>]*\bstyle="display:none;[^"]*"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';
  return hidden
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .trim();
}

function emailSection(model: PageModel, title: string): string {
  const { composed } = model;
  if (composed === undefined) return '';
  if ('error' in composed)
    return `<section class="problem" role="alert" aria-labelledby="compose-error"><h2 id="compose-error">This email cannot be composed</h2><pre>${escapeHtml(composed.error)}</pre></section>`;
  const { email } = composed;
  const src = `/email?${query(model.selection)}`;
  const warnings = email.warnings.map((w) => `<p class="warning">⚠ ${escapeHtml(w)}</p>`).join('');
  const to = model.sendTarget.to;
  const recipient =
    to === undefined
      ? `<label for="send-to">Send a test to</label> <input id="send-to" name="to" type="email" value="${escapeHtml(email.to)}" />`
      : `<input type="hidden" name="to" value="${escapeHtml(to)}" /><span>Send a test to <strong>${escapeHtml(to)}</strong></span>`;
  return `<section class="email" data-status="ok" aria-labelledby="email-title">
  <h2 id="email-title" class="visually-hidden">The email</h2>
  ${warnings}
  <dl>
    <dt>Subject</dt><dd class="subject">${escapeHtml(email.subject)}</dd>
    <dt>Preheader</dt><dd class="preheader">${escapeHtml(preheaderOf(email.html))}</dd>
    <dt>From</dt><dd>${escapeHtml(email.from)}</dd>
    <dt>Updates shown</dt><dd>${email.updateIds.length === 0 ? 'none' : escapeHtml(email.updateIds.join(', '))}</dd>
  </dl>
  <div class="frames">
    <figure class="desktop"><figcaption>Desktop, 600px</figcaption><iframe class="desktop" title="${escapeHtml(title)} (desktop)" src="${escapeHtml(src)}" width="600" height="640"></iframe></figure>
    <figure class="mobile"><figcaption>Mobile, 375px</figcaption><iframe class="mobile" title="${escapeHtml(title)} (mobile)" src="${escapeHtml(src)}" width="375" height="640"></iframe></figure>
  </div>
  <details><summary>Plain text</summary><pre class="text">${escapeHtml(email.text)}</pre></details>
  <form class="send" data-query="${escapeHtml(query(model.selection))}">
    ${recipient}
    <button type="submit">Send test</button>
    <p class="where">Through ${escapeHtml(model.sendTarget.label)}.</p>
    <output aria-live="polite"></output>
  </form>
</section>`;
}

function timelineSection(model: PageModel): string {
  const { timeline } = model;
  if (timeline === undefined) return '';
  const who = escapeHtml(model.customerLabel ?? model.selection.customer ?? '');
  const heading = `<h2 id="timeline-title">Sequence timeline for ${who}</h2>`;
  if ('error' in timeline)
    return `<section class="timeline" aria-labelledby="timeline-title">${heading}<p class="problem-text">The plan could not run: ${escapeHtml(timeline.error)}</p></section>`;
  if ('pending' in timeline)
    return `<section class="timeline" aria-labelledby="timeline-title">${heading}<p>${escapeHtml(timeline.pending)}</p></section>`;
  const intro = `<p class="hint">What the config does to this customer over ${timeline.days} days from ${escapeHtml(timeline.from)}, as <code>rekindle plan</code> computes it (the real segments, enrolment and send policy in virtual time; nothing is sent; nobody opens, replies or buys). Times in ${escapeHtml(timeline.timeZone)}.</p>`;
  if (timeline.entries.length === 0)
    return `<section class="timeline" aria-labelledby="timeline-title">${heading}${intro}<p>Nothing planned: in no segment with a sequence, or held back.</p></section>`;
  const rows = timeline.entries.map((entry) => {
    const what =
      entry.template === undefined
        ? escapeHtml(entry.what)
        : `${escapeHtml(entry.what)} · ${link(`preview ${entry.template}`, { ...model.selection, template: entry.template }, false)}`;
    return `<tr data-kind="${entry.kind}"><td>${escapeHtml(entry.when)}</td><td>${what}</td></tr>`;
  });
  return `<section class="timeline" aria-labelledby="timeline-title">${heading}${intro}
  <div class="scroll"><table><thead><tr><th scope="col">When</th><th scope="col">What</th></tr></thead>
  <tbody>${rows.join('\n')}</tbody></table></div></section>`;
}

/** One preview page: the sidebar, the selected email, its customer's timeline. */
export function renderPage(model: PageModel): string {
  const { selection } = model;
  const title = [
    selection.template ?? 'no template',
    selection.locale,
    model.customerLabel ?? 'no customer',
  ].join(' · ');
  const missingCustomer =
    model.customerLabel === undefined && selection.customer !== undefined
      ? `<section class="problem" role="alert" aria-labelledby="no-customer"><h2 id="no-customer">No customer "${escapeHtml(selection.customer)}"</h2><p>Pick one on the left, or check the ID.</p></section>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>${escapeHtml(title)} · Rekindle preview</title>
<style>
  :root { color-scheme: light dark; --fg: #1f2933; --muted: #52606d; --bg: #f4f5f7; --card: #fff; --line: #c5ccd6; --accent: #0b5cad; --error: #a61b1b; --warn: #7a4100; }
  @media (prefers-color-scheme: dark) {
    :root { --fg: #e4e7eb; --muted: #b3bcc7; --bg: #111418; --card: #1b2027; --line: #3e4752; --accent: #8cc4ff; --error: #ff9b9b; --warn: #f7c56b; }
  }
  * { box-sizing: border-box; }
  body { font-family: system-ui, sans-serif; margin: 0; color: var(--fg); background: var(--bg); line-height: 1.45; }
  a { color: var(--accent); }
  a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
  .skip { position: absolute; left: -999px; }
  .skip:focus { left: 8px; top: 8px; background: var(--card); padding: 4px 8px; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  .layout { display: grid; grid-template-columns: minmax(14rem, 18rem) minmax(0, 1fr); min-height: 100vh; }
  nav { background: var(--card); border-right: 1px solid var(--line); padding: 16px; }
  nav h1 { font-size: 1.2rem; margin: 0 0 8px; }
  nav h2 { font-size: 1rem; margin: 20px 0 6px; }
  nav ul { list-style: none; padding: 0; margin: 0; }
  .template { margin: 0 0 10px; }
  .template .name { font-weight: 600; }
  .locales { display: flex; flex-wrap: wrap; gap: 2px 10px; }
  .locales a, .customers a { display: inline-block; padding: 2px 0; }
  .customers li { margin: 2px 0; }
  .badge { font-size: 0.8rem; border-radius: 4px; padding: 0 4px; }
  .badge.error { color: var(--error); border: 1px solid var(--error); }
  .hint { color: var(--muted); font-size: 0.9rem; }
  .find { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-top: 8px; }
  .find input { min-width: 0; flex: 1 1 8rem; }
  main { padding: 16px 24px; min-width: 0; }
  main > h1 { font-size: 1.3rem; margin: 0 0 12px; overflow-wrap: anywhere; }
  section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin: 0 0 20px; }
  section h2 { font-size: 1.1rem; margin: 0 0 8px; }
  .problem { border-color: var(--error); }
  .problem h2, .problem-text { color: var(--error); }
  .problem code, pre { white-space: pre-wrap; overflow-wrap: anywhere; }
  .warning { color: var(--warn); }
  dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 4px 12px; }
  dt { font-weight: 600; }
  dd { margin: 0; overflow-wrap: anywhere; }
  .frames { display: flex; gap: 16px; flex-wrap: wrap; align-items: flex-start; }
  figure { margin: 0; max-width: 100%; }
  figure.desktop { flex: 0 1 600px; }
  figure.mobile { flex: 0 1 375px; }
  iframe { display: block; border: 1px solid var(--line); background: #fff; width: 100%; }
  pre.text { max-width: 70ch; }
  .send { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-top: 12px; }
  .send input { min-width: 0; flex: 1 1 14rem; max-width: 24rem; }
  .send .where { margin: 0; color: var(--muted); flex-basis: 100%; }
  .scroll { overflow-x: auto; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
  td:first-child { white-space: nowrap; }
  tr[data-kind="sent"] td:first-child { font-weight: 600; }
  .to-nav { display: none; }
  @media (max-width: 48rem) {
    .layout { grid-template-columns: minmax(0, 1fr); }
    /* On a phone the email comes first; the sidebar follows it, a link away. */
    main { order: 1; }
    nav { order: 2; border-right: 0; border-top: 1px solid var(--line); }
    .to-nav { display: block; margin: 0 0 8px; }
    main { padding: 12px; }
    td:first-child { white-space: normal; }
  }
</style>
</head>
<body>
<a class="skip" href="#main">Skip to the email</a>
<div class="layout">
<nav id="nav" aria-label="Templates and customers">
  <h1>Rekindle preview</h1>
  ${templateNav(model)}
  ${customerNav(model)}
</nav>
<main id="main">
  <a class="to-nav" href="#nav">Templates and customers ↓</a>
  <h1>${escapeHtml(title)}</h1>
  ${missingCustomer}
  ${problems(model)}
  ${emailSection(model, title)}
  ${timelineSection(model)}
</main>
</div>
<script>
for (const form of document.querySelectorAll('form.send')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const output = form.querySelector('output');
    output.textContent = 'Sending…';
    const to = new FormData(form).get('to');
    const response = await fetch('/send?' + form.dataset.query + '&to=' + encodeURIComponent(to), { method: 'POST' });
    if (!response.ok) { output.textContent = 'Failed: ' + await response.text(); return; }
    const body = await response.json();
    output.textContent = 'Sent to ' + body.to + ' (message ' + body.messageId + ') through ' + body.where + (body.outbox ? ': see ' + body.outbox : '');
    output.dataset.messageId = body.messageId;
  });
}
</script>
</body>
</html>`;
}
