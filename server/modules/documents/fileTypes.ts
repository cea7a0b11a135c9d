import { fileTypeFromBuffer } from 'file-type';
import { badInput } from '../../errors.js';

/**
 * The file types a library accepts, and what their bytes must look like. Office 97-2003 and
 * WPS files are OLE compound files (cfb); OOXML and OFD are zip archives whose entry names
 * (readable in the zip's local headers) tell them apart; text has no signature and must decode.
 */
interface TypeRule {
  mime: string;
  accepts: (sniffed: string | undefined, head: Buffer) => boolean;
}

const zipWith = (entryPrefix: string) => (sniffed: string | undefined, head: Buffer) =>
  sniffed === 'docx' || sniffed === 'xlsx' || sniffed === 'pptx' || sniffed === 'zip'
    ? head.includes(Buffer.from(entryPrefix, 'latin1'))
    : false;
const ooxml = (kind: 'docx' | 'xlsx' | 'pptx', entryPrefix: string) => (sniffed: string | undefined, head: Buffer) => sniffed === kind || zipWith(entryPrefix)(sniffed, head);
const cfb = (sniffed: string | undefined) => sniffed === 'cfb';

const TYPES: Record<string, TypeRule> = {
  doc: { mime: 'application/msword', accepts: cfb },
  wps: { mime: 'application/vnd.ms-works', accepts: cfb },
  xls: { mime: 'application/vnd.ms-excel', accepts: cfb },
  et: { mime: 'application/vnd.ms-excel', accepts: cfb },
  ppt: { mime: 'application/vnd.ms-powerpoint', accepts: cfb },
  docx: { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', accepts: ooxml('docx', 'word/') },
  xlsx: { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', accepts: ooxml('xlsx', 'xl/') },
  pptx: { mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', accepts: ooxml('pptx', 'ppt/') },
  pdf: { mime: 'application/pdf', accepts: (s) => s === 'pdf' },
  ofd: { mime: 'application/ofd', accepts: zipWith('OFD.xml') },
  txt: { mime: 'text/plain; charset=utf-8', accepts: (s, head) => s === undefined && isText(head) },
  jpg: { mime: 'image/jpeg', accepts: (s) => s === 'jpg' },
  jpeg: { mime: 'image/jpeg', accepts: (s) => s === 'jpg' },
  png: { mime: 'image/png', accepts: (s) => s === 'png' },
  zip: { mime: 'application/zip', accepts: (s) => s === 'zip' || s === 'docx' || s === 'xlsx' || s === 'pptx' || s === 'epub' },
};

export const ALLOWED_EXTENSIONS = Object.keys(TYPES);

/** Text: no NUL or other C0 controls but tab, CR, LF, FF, ESC; valid UTF-8 or GB 18030. */
function isText(head: Buffer): boolean {
  if (!head.length) return false;
  for (const byte of head) if (byte < 0x20 && ![0x09, 0x0a, 0x0c, 0x0d, 0x1b].includes(byte)) return false;
  // The head may end inside a multi-byte character: drop up to 3 trailing bytes before decoding.
  for (let cut = 0; cut <= 3; cut++) {
    const part = head.subarray(0, head.length - cut);
    for (const encoding of ['utf-8', 'gb18030']) {
      try {
        new TextDecoder(encoding, { fatal: true }).decode(part);
        return true;
      } catch {
        /* try the next */
      }
    }
  }
  return false;
}

const MAX_NAME = 200;

/** A display name for a file: its own name only (no path), an allowed extension, no control characters. */
export function checkFileName(raw: unknown): { name: string; extension: string; mime: string } {
  const name = String(raw ?? '').normalize('NFC').trim();
  if (!name) throw badInput('文件名不能为空', 'file');
  if (/[/\\]/.test(name) || name === '.' || name === '..' || name.startsWith('..')) throw badInput('文件名不能包含路径', 'file');
  if (/[\u0000-\u001f\u007f]/.test(name)) throw badInput('文件名含有不可见字符', 'file');
  if ([...name].length > MAX_NAME) throw badInput(`文件名不能超过 ${MAX_NAME} 个字`, 'file');
  const extension = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  const rule = TYPES[extension];
  if (!rule || name.lastIndexOf('.') === 0) throw badInput(`不支持该文件类型，仅支持：${ALLOWED_EXTENSIONS.join('、')}`, 'file');
  return { name, extension, mime: rule.mime };
}

/** Whether the first bytes of a file fit its extension. */
export async function contentMatches(extension: string, head: Buffer): Promise<boolean> {
  const rule = TYPES[extension];
  if (!rule) return false;
  const sniffed = head.length ? (await fileTypeFromBuffer(head))?.ext : undefined;
  return rule.accepts(sniffed, head);
}

/** How many leading bytes are sniffed (zip entry names of OOXML files are near the start). */
export const SNIFF_BYTES = 256 * 1024;
