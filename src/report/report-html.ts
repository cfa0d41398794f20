// The batch report as one self-contained HTML page for the records staff: no script, no fetch, no external file.
import { errorCatalog, isErrorCode } from '../domain/error-codes.ts';
import { partialReviewText } from '../domain/metadata/partial.ts';
import type { BatchReport, DocumentReport, DossierReport, PageReport } from '../domain/record.ts';
import { reportCss } from './report-css.ts';
import { both, escapeHtml, l, labels, type LabelKey } from './report-labels.ts';

export { escapeHtml } from './report-labels.ts';

export type ReportLang = 'vi' | 'en';

/** What the report shows of a page beyond the batch report: its picture and the numbers behind its flags. */
export interface ReportPage {
  pageNumber: number;
  /** A small JPEG/WebP/PNG as a base64 data: URI (see makeThumbnail); anything else is dropped. */
  thumbnail?: { dataUri: string; widthPx: number; heightPx: number };
  dpi?: number;
  /** Clockwise turn applied to make the page upright. */
  rotationDeg?: number;
  skewDeg?: number;
}

/** Per document, what the batch report does not carry (from dossier.json and the document's record). */
export interface ReportDocument {
  dossierId: string;
  documentId: string;
  title?: string;
  /** Metadata conflicts, one masked line each; when absent, the batch report's own `conflicts` are shown. */
  conflicts?: string[];
  pages: ReportPage[];
}

export interface ReportDossier {
  dossierId: string;
  title?: string;
  code?: string;
}

export interface ReportHtmlOptions {
  /** Language shown first; the other is one click away (both label sets are in the file). */
  lang: ReportLang;
  dossiers?: ReportDossier[];
  /** Times are shown in this zone. */
  timeZone?: string;
  /** Confidence below this is shown in red (the pipeline's `assemble.lowConfidence`). */
  lowConfidence?: number;
  softwareVersion?: string;
}

export const reportHtmlDefaults = { timeZone: 'Asia/Ho_Chi_Minh', lowConfidence: 60 } as const;


const dataUriPattern = /^data:image\/(?:jpeg|png|webp);base64,[A-Za-z0-9+/]+={0,2}$/;

interface ReviewItem {
  /** Lower first; failed pages sort before any confidence. */
  confidence: number | undefined;
  anchor: string;
  where: string;
  why: string;
  order: number;
}

/** The HTML of the report. Pure: the same inputs give the same bytes. */
export function renderReportHtml(report: BatchReport, documents: readonly ReportDocument[], options: ReportHtmlOptions): string {
  const settings: Settings = { ...reportHtmlDefaults, ...withoutUndefined(options), lang: options.lang };
  const docs = new Map(documents.map((d) => [`${d.dossierId}\u0000${d.documentId}`, d]));
  const dossierInfo = new Map((options.dossiers ?? []).map((d) => [d.dossierId, d]));
  const review: ReviewItem[] = [];
  const confidences: number[] = [];

  const dossierHtml = report.dossiers
    .map((dossier, di) => renderDossier(dossier, di, dossierInfo.get(dossier.dossierId), docs, settings, review, confidences))
    .join('');

  const splitHtml = report.split ? renderSplit(report, review) : '';
  review.sort((a, b) => (a.confidence ?? -1) - (b.confidence ?? -1) || a.order - b.order);
  const meanConfidence = confidences.length === 0 ? undefined : confidences.reduce((a, b) => a + b, 0) / confidences.length;
  const t = report.totals;
  const lang = settings.lang === 'en' ? 'en' : 'vi';
  const title = `${labels.reportTitle[lang === 'vi' ? 0 : 1]} — ${report.batchId}`;

  return `<!DOCTYPE html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="generator" content="sohoa${settings.softwareVersion ? ` ${escapeHtml(settings.softwareVersion)}` : ''}">
<title>${escapeHtml(title)}</title>
<style>${reportCss}</style></head>
<body>
<input type="radio" name="lang" id="l-vi" class="ctl"${lang === 'vi' ? ' checked' : ''}><input type="radio" name="lang" id="l-en" class="ctl"${lang === 'en' ? ' checked' : ''}><input type="checkbox" id="f-rv" class="ctl">
<header><div class="langs"><label for="l-vi" lang="vi">Tiếng Việt</label><label for="l-en" lang="en">English</label></div>
<h1>${l('reportTitle')} <code>${escapeHtml(report.batchId)}</code></h1></header>
<main>
<section id="summary"><dl class="sum">
<div><dt>${l('batch')}</dt><dd><code>${escapeHtml(report.batchId)}</code></dd></div>
<div><dt>${l('pipeline')}</dt><dd>${escapeHtml(report.pipeline)}</dd></div>
<div><dt>${l('started')}</dt><dd>${formatTime(report.startedAt, settings.timeZone)}</dd></div>
<div><dt>${l('duration')}</dt><dd>${formatDuration(report.durationMs)}</dd></div>
<div><dt>${l('dossiers')}</dt><dd><b>${t.dossiers}</b>${t.dossiersSkipped > 0 ? ` (${t.dossiersSkipped} ${l('skipped')})` : ''}${(t.dossiersNotStarted ?? 0) > 0 ? ` (<b class="warn">${t.dossiersNotStarted}</b> ${l('not-started')})` : ''}</dd></div>
<div><dt>${l('documents')}</dt><dd><b>${t.documents - t.documentsFailed - (t.documentsNotStarted ?? 0)}</b>/${t.documents} ${l('stored')}${t.documentsFailed > 0 ? `, <b class="bad">${t.documentsFailed}</b> ${l('ofWhichFailed')}` : ''}</dd></div>
<div><dt>${l('pages')}</dt><dd><b>${t.pagesDone}</b>/${t.pages} ${l('pagesDone')}${t.pagesFailed > 0 ? `, <b class="bad">${t.pagesFailed}</b> ${l('ofWhichFailed')}` : ''}</dd></div>
<div><dt>${l('meanConfidence')}</dt><dd>${meanConfidence === undefined ? '—' : Math.round(meanConfidence)}</dd></div>
<div><dt>${l('toReview')}</dt><dd><a href="#review"><b${review.length > 0 ? ' class="warn"' : ''}>${review.length}</b></a></dd></div>
</dl>${report.interrupted ? `<p class="msgs warn">${l('interrupted')} (${escapeHtml(report.interrupted.signal)})</p>` : ''}${report.warnings.length > 0 ? `<h3>${l('warnings')}</h3><ul class="msgs">${report.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>` : ''}</section>
<section id="review"><h2>${l('toReview')} <small>(${review.length})</small></h2><p class="help">${l('toReviewHelp')}</p>
${review.length === 0 ? `<p>${l('nothingToReview')}</p>` : `<table class="rv"><thead><tr><th>${l('colConfidence')}</th><th>${l('colWhere')}</th><th>${l('colWhy')}</th></tr></thead><tbody>
${review.map((r) => `<tr><td class="cf ${confidenceClass(r.confidence, settings.lowConfidence)}">${r.confidence === undefined ? '—' : Math.round(r.confidence)}</td><td><a href="#${r.anchor}">${r.where}</a></td><td>${r.why}</td></tr>`).join('\n')}
</tbody></table>`}</section>
${splitHtml}<p class="filter"><label for="f-rv">${l('onlyReview')}</label></p>
${dossierHtml}
</main>
<footer>${l('generatedBy')} sohoa${settings.softwareVersion ? ` ${escapeHtml(settings.softwareVersion)}` : ''} · ${l('finished')} ${formatTime(report.finishedAt, settings.timeZone)}</footer>
</body></html>
`;
}

type Settings = ReportHtmlOptions & { timeZone: string; lowConfidence: number };

/** Every cut of every stack, with the doubts put on the to-review list (first: a wrong cut misfiles whole documents). */
function renderSplit(report: BatchReport, review: ReviewItem[]): string {
  const dossierAnchor = new Map(report.dossiers.map((d, di) => [d.dossierId, { di, documents: new Map(d.documents.map((doc, ci) => [doc.documentId, `d${di}-${ci}`])) }]));
  const stacks = (report.split?.stacks ?? []).map((stack, si) => {
    const anchor = `s${si}`;
    for (const doubt of stack.review) {
      const label = `doubt.${doubt.kind}` as LabelKey;
      review.push({
        confidence: undefined,
        anchor: doubt.page === undefined ? anchor : `${anchor}-p${doubt.page}`,
        where: `${escapeHtml(stack.file)}${doubt.page === undefined ? '' : ` › ${l('page')} ${doubt.page}`}`,
        why: `<span class="flag">${label in labels ? l(label) : escapeHtml(doubt.reason)}</span> <small>${both('', escapeHtml(doubt.reason))}</small>`,
        order: -1000 + review.length,
      });
    }
    if (stack.error) {
      review.push({ confidence: undefined, anchor, where: escapeHtml(stack.file), why: errorHtml({ code: stack.error.code, kind: 'input', message: stack.error.message }), order: -2000 + review.length });
    }
    const rows = stack.cuts
      .map((cut) => {
        const target = cut.dossierId === undefined ? undefined : dossierAnchor.get(cut.dossierId);
        const docAnchor = cut.documentId === undefined ? undefined : target?.documents.get(cut.documentId);
        const into = cut.dossierId === undefined || (cut.starts === 'document' && cut.documentId === undefined) ? `<span class="warn">${l('noPlace')}</span>` : `<a href="#${docAnchor ?? `d${target?.di ?? 0}`}"><code>${escapeHtml(cut.dossierId)}</code>${cut.documentId ? ` › <code>${escapeHtml(cut.documentId)}</code>` : ''}</a>`;
        return `<tr id="${anchor}-p${cut.page}"><td class="n">${cut.page}</td><td>${l(`rule.${cut.rule}`)}</td><td><code>${escapeHtml(cut.value)}</code></td><td>${l(`starts.${cut.starts}`)}</td><td>${into}</td><td>${l(cut.sheetLeftOut ? 'sheetLeftOut' : 'sheetKept')}</td></tr>`;
      })
      .join('\n');
    const doubtRows = stack.review.filter((d) => d.page !== undefined && !stack.cuts.some((c) => c.page === d.page)).map((d) => `<tr id="${anchor}-p${d.page}" class="rv"><td class="n">${d.page}</td><td colspan="5"><span class="flag">${l(`doubt.${d.kind}` as LabelKey)}</span></td></tr>`);
    const facts = [
      `${stack.pages} ${l('page')}`,
      ...(stack.collated ? [l('collated')] : []),
      ...(stack.blankPagesLeftOut.length > 0 ? [`${l('blankLeftOut')}: ${stack.blankPagesLeftOut.join(', ')}`] : []),
    ].join(' · ');
    const error = stack.error ? `<div class="box bad-box"><b>${l('stackFailed')}</b><ul class="msgs"><li>${errorHtml({ code: stack.error.code, kind: 'input', message: stack.error.message })}</li></ul></div>` : '';
    return `<article class="doc" id="${anchor}"><h3><code>${escapeHtml(stack.file)}</code></h3><p class="meta">${facts}</p>${error}
${stack.cuts.length === 0 && doubtRows.length === 0 ? '' : `<table class="pages"><thead><tr><th>${l('colPage')}</th><th>${l('colRule')}</th><th>${l('colValue')}</th><th>${l('colStarts')}</th><th>${l('colInto')}</th><th>${l('colSheet')}</th></tr></thead><tbody>
${[rows, ...doubtRows].filter(Boolean).join('\n')}
</tbody></table>`}</article>`;
  });
  return `<section id="split"><h2>${l('split')}</h2><p class="help">${l('splitHelp')}</p>
${stacks.join('\n')}
</section>
`;
}

function renderDossier(
  dossier: DossierReport,
  di: number,
  info: ReportDossier | undefined,
  docs: Map<string, ReportDocument>,
  settings: Settings,
  review: ReviewItem[],
  confidences: number[],
): string {
  const heading = `<code>${escapeHtml(dossier.dossierId)}</code>${info?.title ? ` ${escapeHtml(info.title)}` : ''}`;
  const documents = dossier.documents.map((document, ci) => renderDocument(dossier, document, di, ci, docs.get(`${dossier.dossierId}\u0000${document.documentId}`), settings, review, confidences)).join('');
  return `<section class="dossier" id="d${di}"><h2><small>${l('dossier')}</small> ${heading} ${statusBadge(dossier.status)}</h2>
${info?.code ? `<p class="meta">${l('code')}: <code>${escapeHtml(info.code)}</code></p>` : ''}${dossier.error ? `<p class="meta">${l('reason')}: ${errorHtml(dossier.error)}</p>` : dossier.reason ? `<p class="meta">${l('reason')}: ${escapeHtml(dossier.reason)}</p>` : ''}${documents}</section>
`;
}

function renderDocument(
  dossier: DossierReport,
  document: DocumentReport,
  di: number,
  ci: number,
  extra: ReportDocument | undefined,
  settings: Settings,
  review: ReviewItem[],
  confidences: number[],
): string {
  const anchor = `d${di}-${ci}`;
  const conflicts = extra?.conflicts ?? document.conflicts ?? [];
  const pagesExtra = new Map((extra?.pages ?? []).map((p) => [p.pageNumber, p]));
  const where = `${escapeHtml(dossier.dossierId)} › ${escapeHtml(document.documentId)}`;
  const pageConfidences = document.pages.flatMap((p) => (p.meanConfidence === undefined ? [] : [p.meanConfidence]));
  if (conflicts.length > 0) {
    review.push({
      confidence: pageConfidences.length > 0 ? Math.min(...pageConfidences) : undefined,
      anchor,
      where,
      why: `<span class="flag">${l('flag.conflicts')} (${conflicts.length})</span>`,
      order: review.length,
    });
  }
  // A field read in part is an item of its own: each asks the reviewer to enter something different.
  const partial = (document.partial ?? []).map((field) => {
    const text = partialReviewText(field);
    return both(escapeHtml(text.vi), escapeHtml(text.en));
  });
  for (const why of partial) {
    review.push({ confidence: pageConfidences.length > 0 ? Math.min(...pageConfidences) : undefined, anchor, where, why: `<span class="flag">${why}</span>`, order: review.length });
  }
  let anyReview = conflicts.length > 0 || partial.length > 0;
  const rows = document.pages
    .map((page, pi) => {
      const pageAnchor = `${anchor}-${pi}`;
      const detail = pagesExtra.get(page.pageNumber);
      const flags = [...page.flags.map((flag) => `<span class="flag">${flagLabel(flag, detail)}</span>`), ...(page.warnings ?? []).map(warningHtml)].join(' ');
      const error = page.error ? errorHtml(page.error) : '';
      const needsReview = page.status === 'failed' || page.flags.length > 0;
      if (page.meanConfidence !== undefined) confidences.push(page.meanConfidence);
      if (needsReview) {
        anyReview = true;
        review.push({
          confidence: page.status === 'failed' ? undefined : page.meanConfidence,
          anchor: pageAnchor,
          where: `${where} › ${l('page')} ${pageNumberText(page)}`,
          why: [error, flags].filter(Boolean).join(' '),
          order: review.length,
        });
      }
      return `<tr id="${pageAnchor}" class="pg${needsReview ? ' rv' : ''}"><td class="n">${pageNumberText(page)}</td><td class="th">${thumbnailHtml(detail)}</td><td class="file">${escapeHtml(page.file)}${page.filePageNumber && page.filePageNumber > 1 ? ` <small>${l('filePage')} ${page.filePageNumber}</small>` : ''}</td><td>${statusBadge(page.status)}</td><td class="cf ${confidenceClass(page.meanConfidence, settings.lowConfidence)}">${page.meanConfidence === undefined ? '—' : Math.round(page.meanConfidence)}</td><td>${flags}</td><td class="err">${error}</td></tr>`;
    })
    .join('\n');
  const title = extra?.title ? ` ${escapeHtml(extra.title)}` : '';
  return `<article class="doc${anyReview ? ' has-rv' : ''}" id="${anchor}"><h3><code>${escapeHtml(document.documentId)}</code>${title} ${statusBadge(document.status)}</h3>
${signaturesHtml(document, settings)}${document.errors.length > 0 ? `<div class="box bad-box"><b>${l('documentErrors')}</b><ul class="msgs">${document.errors.map((e) => `<li>${errorHtml(e)}</li>`).join('')}</ul></div>` : ''}${conflicts.length > 0 ? `<div class="box warn-box"><b>${l('conflicts')}</b><ul class="msgs">${conflicts.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul></div>` : ''}${partial.length > 0 ? `<div class="box warn-box"><b>${l('partial')}</b><ul class="msgs">${partial.map((p) => `<li>${p}</li>`).join('')}</ul></div>` : ''}
${document.pages.length === 0 ? `<p>${l('noPages')}</p>` : `<table class="pages"><thead><tr><th>${l('colPage')}</th><th>${l('colImage')}</th><th>${l('colFile')}</th><th>${l('colStatus')}</th><th>${l('colConfidence')}</th><th>${l('colFlags')}</th><th>${l('colError')}</th></tr></thead><tbody>
${rows}
</tbody></table>`}</article>
`;
}

/** One line per signature: who signed, when, and whether it holds. */
function signaturesHtml(document: DocumentReport, settings: Settings): string {
  const signatures = document.signatures ?? [];
  if (signatures.length === 0) return '';
  const items = signatures.map((s) => {
    const who = [s.signer, s.organization].filter(Boolean).map((v) => escapeHtml(v!)).join(', ') || escapeHtml(s.file);
    const when = s.signingTime ? `, ${l('signedAt')} ${formatTime(s.signingTime, settings.timeZone)}` : '';
    return `<li>${who}${when}: <span class="${s.valid === false ? 'bad' : s.valid ? '' : 'warn'}">${l(`signature.${String(s.valid)}` as LabelKey)}</span></li>`;
  });
  return `<div class="box"><b>${l('signatures')}</b><ul class="msgs">${items.join('')}</ul></div>`;
}

function pageNumberText(page: PageReport): string {
  return page.pageNumber > 0 ? String(page.pageNumber) : '—';
}

function thumbnailHtml(page: ReportPage | undefined): string {
  const thumb = page?.thumbnail;
  if (!thumb || !dataUriPattern.test(thumb.dataUri)) return `<span class="nothumb">${l('noThumbnail')}</span>`;
  const width = Math.round(thumb.widthPx);
  const height = Math.round(thumb.heightPx);
  // Not loading="lazy": the pictures are already in the file, and a lazy picture stays blank when the page is
  // printed or captured; all 500 of a large batch decode within its 2 s budget (measured: 0.5–0.65 s to load).
  return `<img src="${thumb.dataUri}" width="${width}" height="${height}" decoding="async" alt="">`;
}

function statusBadge(status: 'done' | 'failed' | 'skipped' | 'not-started'): string {
  return `<span class="st st-${status}">${l(status)}</span>`;
}

/**
 * An error as a clerk reads it: its kind and code, then in Vietnamese the code's reason and what to do, in English
 * the message itself (which names the file, page and technical cause; in Vietnamese it is the code's tooltip). A
 * report written before codes existed has only the message, shown in both languages.
 */
function errorHtml(error: { code?: string; kind: string; message: string }): string {
  const kind = `<span class="kind">${kindLabel(error.kind)}</span>`;
  const message = escapeHtml(error.message);
  if (!isErrorCode(error.code)) return `${kind} ${message}`;
  const vi: { reason: string; action: string } = errorCatalog[error.code].vi;
  return `${kind} <code class="ecode" title="${message}">${error.code}</code> ${both(`${escapeHtml(vi.reason)} ${escapeHtml(vi.action)}`, message)}`;
}

/**
 * A page warning: its code (the message, with the numbers, as its tooltip) and what it means and what to do in both
 * languages. A code this version does not know shows its message.
 */
function warningHtml(warning: { code?: string; message: string }): string {
  const message = escapeHtml(warning.message);
  if (!isErrorCode(warning.code)) return `<span class="flag">${message}</span>`;
  const { vi, en }: { vi: { reason: string; action: string }; en: { reason: string; action: string } } = errorCatalog[warning.code];
  return `<span class="flag"><code class="ecode" title="${message}">${warning.code}</code> ${both(`${escapeHtml(vi.reason)} ${escapeHtml(vi.action)}`, `${escapeHtml(en.reason)} ${escapeHtml(en.action)}`)}</span>`;
}

function kindLabel(kind: string): string {
  const key = `kind.${kind}`;
  return key in labels ? l(key as LabelKey) : escapeHtml(kind);
}

/** A flag's label, with the number behind it when the record has it: "Đã xoay 270°", "Dưới 200 dpi (150 dpi)". */
function flagLabel(flag: string, page: ReportPage | undefined): string {
  const key = `flag.${flag}`;
  if (!(key in labels)) return escapeHtml(flag);
  const [vi, en] = labels[key as LabelKey];
  let suffix: [string, string] = ['', ''];
  if (flag === 'rotated' && page?.rotationDeg) suffix = [` ${page.rotationDeg}°`, ` ${page.rotationDeg}°`];
  else if (flag === 'deskewed' && page?.skewDeg !== undefined) suffix = [` ${decimal(Math.abs(page.skewDeg), 'vi')}°`, ` ${decimal(Math.abs(page.skewDeg), 'en')}°`];
  else if (flag === 'under-200-dpi' && page?.dpi) suffix = [` (${page.dpi} dpi)`, ` (${page.dpi} dpi)`];
  return both(escapeHtml(vi + suffix[0]), escapeHtml(en + suffix[1]));
}

function decimal(value: number, lang: ReportLang): string {
  const text = (Math.round(value * 10) / 10).toFixed(1);
  return lang === 'vi' ? text.replace('.', ',') : text;
}

function confidenceClass(confidence: number | undefined, low: number): string {
  if (confidence === undefined) return 'c-none';
  if (confidence < low) return 'c-lo';
  return confidence < Math.min(100, low + 20) ? 'c-mid' : 'c-hi';
}

function formatTime(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return escapeHtml(iso);
  try {
    const parts = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'shortOffset',
    }).formatToParts(date);
    const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
    return escapeHtml(`${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')} ${part('timeZoneName')}`);
  } catch {
    return escapeHtml(iso);
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function formatDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 60) return both(`${decimal(seconds, 'vi')} giây`, `${decimal(seconds, 'en')} s`);
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - minutes * 60);
  if (minutes < 60) return both(`${minutes} phút ${rest} giây`, `${minutes} min ${rest} s`);
  return both(`${Math.floor(minutes / 60)} giờ ${minutes % 60} phút`, `${Math.floor(minutes / 60)} h ${minutes % 60} min`);
}
