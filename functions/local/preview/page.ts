import type { ComposedEmail } from '../../core/rendering/compose-email.ts';
import type { PreviewCase } from './server.ts';

export type PreviewResult =
  | { readonly previewCase: PreviewCase; readonly email: ComposedEmail }
  | { readonly previewCase: PreviewCase; readonly error: string };

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function query({ template, locale, sample }: PreviewCase): string {
  return new URLSearchParams({ template, locale, sample: sample.id }).toString();
}

function card(result: PreviewResult): string {
  const { previewCase } = result;
  const title = `${previewCase.template} · ${previewCase.locale} · ${previewCase.sample.label}`;
  const id = `${previewCase.template}--${previewCase.locale}--${previewCase.sample.id}`;
  if ('error' in result) {
    return `<section class="card error" data-case="${escapeHtml(id)}" data-status="error"><h2>${escapeHtml(title)}</h2><pre>${escapeHtml(result.error)}</pre></section>`;
  }
  const { email } = result;
  const src = `/email?${query(previewCase)}`;
  const warnings = email.warnings.map((w) => `<p class="warning">⚠ ${escapeHtml(w)}</p>`).join('');
  return `<section class="card" data-case="${escapeHtml(id)}" data-status="ok">
  <h2>${escapeHtml(title)}</h2>
  ${warnings}
  <dl>
    <dt>Subject</dt><dd class="subject">${escapeHtml(email.subject)}</dd>
    <dt>Preheader</dt><dd class="preheader">${escapeHtml(preheaderOf(email.html))}</dd>
    <dt>Updates shown</dt><dd>${email.updateIds.length === 0 ? 'none' : escapeHtml(email.updateIds.join(', '))}</dd>
  </dl>
  <div class="frames">
    <figure><figcaption>Desktop, 600px</figcaption><iframe class="desktop" title="${escapeHtml(title)} (desktop)" src="${src}" width="600" height="640"></iframe></figure>
    <figure><figcaption>Mobile, 375px</figcaption><iframe class="mobile" title="${escapeHtml(title)} (mobile)" src="${src}" width="375" height="640"></iframe></figure>
    <details><summary>Plain text</summary><pre class="text">${escapeHtml(email.text)}</pre></details>
  </div>
  <form class="send" data-query="${escapeHtml(query(previewCase))}">
    <label>Send a test to <input name="to" type="email" value="${escapeHtml(email.to)}" /></label>
    <button type="submit">Send test</button>
    <output></output>
  </form>
</section>`;
}

/** The hidden preheader as MJML places it, so the page shows what inboxes show after the subject. */
function preheaderOf(html: string): string {
  const hidden = /<div style="display:none;[^"]*">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';
  return hidden
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .trim();
}

/** The whole preview page. */
export function renderPage(results: readonly PreviewResult[], sesUrl: string | undefined): string {
  const outbox =
    sesUrl === undefined
      ? ''
      : ` Test emails land in the local SES outbox: <a href="${escapeHtml(sesUrl)}" target="_blank">${escapeHtml(sesUrl)}</a>.`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<title>Rekindle preview</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 24px; color: #1f2933; background: #f4f5f7; }
  .card { background: #fff; border: 1px solid #d9dde3; border-radius: 8px; padding: 16px; margin: 0 0 24px; }
  .card.error { border-color: #b42318; }
  .warning { color: #8a4b00; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; }
  dt { font-weight: 600; }
  .frames { display: flex; gap: 16px; flex-wrap: wrap; align-items: flex-start; }
  iframe { border: 1px solid #d9dde3; background: #fff; }
  figure { margin: 0; }
  pre { white-space: pre-wrap; max-width: 60ch; }
</style>
</head>
<body>
<h1>Rekindle preview</h1>
<p>${results.length} emails: every template, locale and sample customer.${outbox}</p>
${results.map(card).join('\n')}
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
    output.textContent = 'Sent to ' + body.to + ' (message ' + body.messageId + ')' + (body.outbox ? ': see ' + body.outbox : '');
    output.dataset.messageId = body.messageId;
  });
}
</script>
</body>
</html>`;
}
