import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { badInput } from '../../../errors.js';
import { ORG_FILE_HEADER, withoutFormulaGuard, type OrgColumn, type OrgFileRow, type RowProblem } from './columns.js';

export type OrgFileFormat = 'csv' | 'xlsx';

/** The format a file name asks for, or null. */
export function formatOfName(name: string): OrgFileFormat | null {
  const match = /\.(csv|xlsx)$/i.exec(name);
  return match ? (match[1].toLowerCase() as OrgFileFormat) : null;
}

export interface ParsedOrgFile {
  rows: OrgFileRow[];
  /** Header and file-structure problems (a missing column, an unterminated quote). */
  problems: RowProblem[];
}

/**
 * Text of a CSV file: UTF-8 (with or without BOM), or GB18030 when the bytes are not valid
 * UTF-8 — what Excel on a Chinese Windows writes when saving "CSV (逗号分隔)".
 */
export function decodeCsv(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** Maps a header row to the column positions; missing columns are a problem on line 1. */
function headerIndex(header: string[], problems: RowProblem[]): Map<OrgColumn, number> | null {
  const index = new Map<OrgColumn, number>();
  header.forEach((name, i) => {
    const column = name.trim() as OrgColumn;
    if (!ORG_FILE_HEADER.includes(column)) return;
    if (index.has(column)) problems.push({ line: 1, message: `表头中“${column}”列出现了两次` });
    else index.set(column, i);
  });
  const missing = ORG_FILE_HEADER.filter((c) => !index.has(c));
  if (missing.length) {
    problems.push({ line: 1, message: `表头缺少列：${missing.join('、')}（第一行应为：${ORG_FILE_HEADER.join(',')}）` });
    return null;
  }
  return index;
}

function toRows(records: Array<{ line: number; cells: string[] }>): ParsedOrgFile {
  const problems: RowProblem[] = [];
  const [header, ...data] = records;
  if (!header) return { rows: [], problems: [{ line: 1, message: '文件是空的：第一行应为表头' }] };
  const index = headerIndex(header.cells, problems);
  if (!index) return { rows: [], problems };
  const rows = data
    .filter((record) => record.cells.some((cell) => cell.trim() !== ''))
    .map((record) => ({
      line: record.line,
      values: Object.fromEntries(ORG_FILE_HEADER.map((column) => [column, withoutFormulaGuard((record.cells[index.get(column)!] ?? '').normalize('NFC').trim())])) as Record<OrgColumn, string>,
    }));
  return { rows, problems };
}

function readCsv(bytes: Uint8Array): ParsedOrgFile {
  const text = decodeCsv(bytes);
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parseCsv(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    return { rows: [], problems: [{ line, message: `CSV 格式错误，无法读取：${(error as Error).message.replace(/^Invalid [^:]*: /, '')}` }] };
  }
  return toRows(records.map((r) => ({ line: r.info.lines, cells: r.record })));
}

/** The first worksheet; cells as Excel shows them (numbers such as phone numbers as digits). */
async function readXlsx(bytes: Uint8Array): Promise<ParsedOrgFile> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw badInput('无法读取 XLSX 文件：文件已损坏或不是 Excel 工作簿（.xlsx）', 'file');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return { rows: [], problems: [{ line: 1, message: '工作簿中没有工作表' }] };
  const records: Array<{ line: number; cells: string[] }> = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = cell.text ?? '';
    });
    records.push({ line: row.number, cells: Array.from(cells, (c) => c ?? '') });
  });
  return toRows(records);
}

/** Reads the organisation file into rows with their line numbers. */
export function readOrgFile(bytes: Uint8Array, format: OrgFileFormat): Promise<ParsedOrgFile> {
  return format === 'csv' ? Promise.resolve(readCsv(bytes)) : readXlsx(bytes);
}
