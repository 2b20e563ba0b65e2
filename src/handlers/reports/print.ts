import type { FormDoc } from './pdf';
import { say } from '../../../config/say';

/**
 * A form's print view: the same FormDoc as the PDF, as an A4 HTML page (`@page size: A4`) the
 * browser prints as it is — the company's name, the title, the fields, the tables and the
 * signature lines with who signed in the system and when. Everything is escaped; no script.
 */

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderPrintView(form: FormDoc, pdfUrl: string): string {
  const fields = form.fields.map((f) => `<tr><th>${escape(f.label)}</th><td>${escape(f.value)}</td></tr>`).join('');
  const tables = (form.tables ?? [])
    .map((t) => `<h3>${escape(t.title)}</h3><table class="list"><thead><tr>${t.columns.map((c) => `<th>${escape(c)}</th>`).join('')}</tr></thead><tbody>${(t.rows.length ? t.rows : [t.columns.map((_, i) => (i === 0 ? say('reports.form.none') : ''))]).map((r) => `<tr>${r.map((cell) => `<td>${escape(cell)}</td>`).join('')}</tr>`).join('')}</tbody></table>`)
    .join('');
  const signatures = form.signatures.map((s) => `<p class="sign">${escape(s.role)}：${s.name ? escape(say('reports.form.signedBy', { name: s.name, at: s.at ?? '' })) : `<span class="blank"></span> ${escape(say('reports.form.date'))} <span class="blank short"></span>`}</p>`).join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(form.title)}</title><style>
@page { size: A4; margin: 15mm; }
body { font-family: "Noto Sans SC", "WenQuanYi Micro Hei", sans-serif; max-width: 180mm; margin: 0 auto; padding: 8px; color: #000; font-size: 11pt; }
.company { text-align: center; margin: 0; } h1 { text-align: center; font-size: 18pt; margin: 4px 0; } .ref { text-align: right; font-size: 9.5pt; }
table { width: 100%; border-collapse: collapse; margin: 6px 0; } th, td { border: 1px solid #777; padding: 4px 6px; text-align: left; vertical-align: top; word-break: break-all; }
table.fields th { width: 28%; background: #f4f4f4; } table.list th { background: #f4f4f4; font-size: 10pt; } table.list td { font-size: 9.5pt; }
.sign { margin: 10px 0; } .blank { display: inline-block; width: 45mm; border-bottom: 1px solid #000; } .blank.short { width: 25mm; }
.foot { font-size: 8.5pt; color: #555; margin-top: 16px; } .screen { margin: 8px 0; font-size: 10pt; } @media print { .screen { display: none; } }
</style></head><body><p class="screen">${escape(say('reports.form.printHint'))} · <a href="${escape(pdfUrl)}">${escape(say('reports.form.pdfLink'))}</a></p><p class="company">${escape(form.company)}</p><h1>${escape(form.title)}</h1>${form.reference ? `<p class="ref">${escape(form.reference)}</p>` : ''}<table class="fields"><tbody>${fields}</tbody></table>${tables}<h3>${escape(say('reports.form.signatures'))}</h3>${signatures}<p class="foot">${escape(form.footer)}</p></body></html>`;
}
