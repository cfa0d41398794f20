// `sohoa cover-sheets <list> --out sheets.pdf`: prints the sheets an office puts on each dossier before scanning a stack.
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { ExitCode, InputError } from '../domain/errors.ts';
import { parseSheetListCsv, parseSheetListJson } from '../split/cover-sheet-list.ts';
import { renderCoverSheets } from '../split/cover-sheet-pdf.ts';

async function coverSheetsCommand(listFile: string, flags: { out: string }): Promise<number> {
  const text = await readFile(listFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new InputError('FILE_MISSING', `cannot read the list ${listFile}: ${err.code ?? err.message}; give the path of a .csv or .json list of dossiers`, { file: listFile });
  });
  const json = listFile.toLowerCase().endsWith('.json') || text.trimStart().startsWith('[') || text.trimStart().startsWith('{');
  const { sheets, problems } = json ? parseSheetListJson(text) : parseSheetListCsv(text);
  if (problems.length > 0) throw new InputError('COVER_SHEET_LIST_INVALID', problems.map((p) => `${path.basename(listFile)}: ${p}`).join('\n'), { file: listFile });
  const pdf = await renderCoverSheets(sheets);
  // Written whole, then renamed: a printer spooling the file never reads half of it.
  const partial = `${flags.out}.partial`;
  await writeFile(partial, pdf);
  await rename(partial, flags.out);
  const dossiers = sheets.filter((sheet) => sheet.documentId === undefined).length;
  process.stderr.write(`${flags.out}: ${sheets.length} cover sheets (${dossiers} dossiers, ${sheets.length - dossiers} documents), A4\n`);
  return ExitCode.ok;
}

export function addCoverSheetsCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('cover-sheets')
    .description('print the cover sheets (phiếu tách) that split a scanned stack into dossiers and documents: one A4 page per dossier and per listed document')
    .argument('<list>', 'a .csv (code, title, kind, document, documentTitle, documentType) or .json list of dossiers')
    .option('-o, --out <file>', 'the PDF to write', 'cover-sheets.pdf')
    .action(async (list: string, options: { out: string }) => {
      setExit(await coverSheetsCommand(list, options));
    });
}
