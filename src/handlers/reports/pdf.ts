import type PDFKitDocument from 'pdfkit';
import { chartFontFile as fontFile } from './charts';
import { say } from '../../../config/say';

/**
 * The seed's paper forms as PDF (A4), rendered on the server with pdfkit and the Noto Sans SC the
 * charts already use: pdfkit embeds only the glyphs a form uses (a one-page form is tens of KB)
 * and writes a ToUnicode map, so the text can be searched and extracted (tests read it back with
 * pdftotext). Every form: the company's name, the title, the fields the seed names, tables where
 * the seed keeps lists, and signature lines with who signed in the system and when.
 */

export interface FormDoc {
  company: string;
  title: string;
  /** e.g. 编号 TS202611260001 */
  reference?: string;
  fields: { label: string; value: string }[];
  /** `widths`: relative column widths (equal when absent). */
  tables?: { title: string; columns: string[]; rows: string[][]; widths?: number[] }[];
  signatures: { role: string; name: string | null; at: string | null }[];
  /** A line at the foot, e.g. when and by whom it was printed. */
  footer: string;
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 48;

export function renderPdf(form: FormDoc): Promise<Buffer> {
  // pdfkit is loaded when a form is first drawn: about 9 MB that a process answering chat never needs
  const PDFDocument = require('pdfkit') as typeof PDFKitDocument;
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: form.title, Author: form.company }, bufferPages: false });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = A4.width - 2 * MARGIN;
  doc.font(fontFile());
  doc.fontSize(11).text(form.company, { align: 'center' });
  doc.moveDown(0.3).fontSize(18).text(form.title, { align: 'center' });
  if (form.reference) doc.moveDown(0.2).fontSize(10).text(form.reference, { align: 'right' });
  doc.moveDown(0.6);

  const labelWidth = 110;
  const row = (label: string, value: string) => {
    doc.fontSize(10.5);
    const height = Math.max(doc.heightOfString(value || ' ', { width: width - labelWidth - 12 }), doc.heightOfString(label, { width: labelWidth - 12 })) + 10;
    if (doc.y + height > A4.height - MARGIN - 20) doc.addPage();
    const top = doc.y;
    doc.rect(MARGIN, top, labelWidth, height).stroke('#888');
    doc.rect(MARGIN + labelWidth, top, width - labelWidth, height).stroke('#888');
    doc.fillColor('#000').text(label, MARGIN + 6, top + 5, { width: labelWidth - 12 });
    doc.text(value || ' ', MARGIN + labelWidth + 6, top + 5, { width: width - labelWidth - 12 });
    doc.x = MARGIN;
    doc.y = top + height;
  };
  for (const field of form.fields) row(field.label, field.value);

  for (const table of form.tables ?? []) {
    doc.moveDown(0.8).fontSize(12).text(table.title, MARGIN, doc.y);
    doc.moveDown(0.3);
    const weights = table.widths ?? table.columns.map(() => 1);
    const total = weights.reduce((a, b) => a + b, 0);
    const widths = weights.map((w) => (w / total) * width);
    const lefts = widths.map((_, i) => MARGIN + widths.slice(0, i).reduce((a, b) => a + b, 0));
    const line = (cells: string[], bold: boolean) => {
      doc.fontSize(bold ? 10 : 9);
      const height = Math.max(...cells.map((cell, i) => doc.heightOfString(cell || ' ', { width: widths[i] - 8 }))) + 8;
      if (doc.y + height > A4.height - MARGIN - 20) doc.addPage();
      const top = doc.y;
      cells.forEach((cell, i) => {
        doc.rect(lefts[i], top, widths[i], height).stroke('#888');
        doc.text(cell || ' ', lefts[i] + 4, top + 4, { width: widths[i] - 8 });
      });
      doc.x = MARGIN;
      doc.y = top + height;
    };
    line(table.columns, true);
    if (table.rows.length === 0) line(table.columns.map((_, i) => (i === 0 ? say('reports.form.none') : '')), false);
    for (const cells of table.rows) line(cells, false);
  }

  doc.moveDown(1.2).fontSize(12).text(say('reports.form.signatures'), MARGIN, doc.y);
  doc.moveDown(0.4).fontSize(10.5);
  for (const signature of form.signatures) {
    if (doc.y > A4.height - MARGIN - 40) doc.addPage();
    const signed = signature.name ? say('reports.form.signedBy', { name: signature.name, at: signature.at ?? '' }) : say('reports.form.unsignedLine');
    doc.text(`${signature.role}：${signed}`, MARGIN, doc.y);
    doc.moveDown(0.5);
  }
  doc.moveDown(1).fontSize(8.5).fillColor('#555').text(form.footer, MARGIN, doc.y);
  doc.end();
  return done;
}
