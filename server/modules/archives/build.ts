import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ObjectStore } from '../../storage/index.js';
import { beijing, esc, pageEnd, pageStart, type PageHeader } from './html.js';
import {
  announcementsSection, auditSection, discussionsSection, filePath, filesSection, groupFileRows, groupMessagesSection, groupThreadsSection, meetingsSection, ownFileRows, ownMessagesSection, ownRepliesSection, ownThreadsSection,
  type Section,
} from './sections.js';
import { groupHeader, personProfile, type ExportRow, type FileRow } from './store.js';
import { ZipWriter } from './zipWriter.js';

/** Total bytes of stored files one archive takes in; files beyond it are listed without their bytes. */
export const ARCHIVE_FILE_BUDGET_BYTES = 2 * 1024 ** 3;

export interface BuildInput {
  /** Reads in one snapshot (a repeatable-read transaction), so both passes over a section agree. */
  em: EntityManager;
  storage: ObjectStore;
  job: ExportRow;
  exporter: { id: string; name: string; unit: string };
  /** Told 0–99 as sections are written. */
  progress: (percent: number) => Promise<void>;
  fileBudgetBytes?: number;
}

const newKey = () => {
  const hex = randomBytes(32).toString('hex');
  return `${hex.slice(0, 2)}/${hex.slice(2, 64)}`;
};

/** The date range as the requester gave it (Beijing calendar days, inclusive). */
export function rangeLabel(from: Date, to: Date): string {
  return `${beijing(from).slice(0, 10)} 至 ${beijing(new Date(to.getTime() - 1)).slice(0, 10)}`;
}

/**
 * Builds the archive ZIP straight into the object store under a new key, section after
 * section, and answers the key and size. On failure nothing is left behind under that key.
 */
export async function buildArchive(input: BuildInput): Promise<{ key: string; size: number }> {
  const key = newKey();
  const zip = new ZipWriter();
  let size = 0;
  // Counts the bytes as they pass (a 'data' listener would start the flow before the store reads).
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      done(null, chunk);
    },
  });
  zip.output.pipe(counted);
  const spool = input.storage.kind === 's3' ? path.join(spoolDir, randomBytes(16).toString('hex')) : null;
  const written = spool ? spoolTo(spool, counted) : input.storage.put(key, counted);
  const upload = written.catch((error: Error) => {
    zip.fail(error);
    throw error;
  });
  upload.catch(() => {});
  try {
    await writeArchive(zip, input);
    await zip.finish();
    await upload;
    if (spool) await input.storage.put(key, fs.createReadStream(spool), size);
    return { key, size };
  } catch (error) {
    zip.fail(error instanceof Error ? error : new Error(String(error)));
    await upload.catch(() => {});
    await input.storage.remove(key).catch(() => {});
    throw error;
  } finally {
    if (spool) await fs.promises.rm(spool, { force: true });
  }
}

/**
 * With S3 the ZIP is spooled to a temp file first and then put with its size: an upload of unknown
 * size needs the multipart listing calls some S3 servers lack (s3rver; MinIO has them), and a known
 * size lets the client choose a single PUT or parts itself. The disk store takes the stream as is.
 */
const spoolDir = path.join(os.tmpdir(), 'jiaoliu-archives');

async function spoolTo(file: string, body: NodeJS.ReadableStream): Promise<void> {
  await fs.promises.mkdir(spoolDir, { recursive: true, mode: 0o700 });
  await pipeline(body, fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }));
}

async function writeArchive(zip: ZipWriter, input: BuildInput): Promise<void> {
  const { em, job } = input;
  const exportedAt = new Date();
  const exportedBy = `导出人：${input.exporter.name}（${input.exporter.unit}） · 导出时间：${beijing(exportedAt)}（北京时间）`;
  const budget = input.fileBudgetBytes ?? ARCHIVE_FILE_BUDGET_BYTES;
  let title: string;
  let overview: string;
  let sections: Section<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  let files: () => AsyncIterable<FileRow>;
  let meta: Record<string, unknown>;

  if (job.kind === 'group') {
    const group = job.group_id ? await groupHeader(em, job.group_id) : undefined;
    if (!group || !job.range_from || !job.range_to) throw new Error('the group of the export is gone');
    const range = { from: new Date(job.range_from), to: new Date(job.range_to) };
    title = `群组档案：${group.name}`;
    files = groupFileRows(em, group.id, range, input.exporter.id);
    sections = [
      groupMessagesSection(em, group.conversation_id, range, input.exporter.id),
      discussionsSection(em, group.id, range, input.exporter.id),
      groupThreadsSection(em, group.id, range, input.exporter.id),
      filesSection('群文件', '所选时间范围内没有上传文件。', files, budget),
      meetingsSection(em, group.id, range),
      announcementsSection(em, group.id, range),
      auditSection(em, group.id, range),
    ];
    overview = `<section><h2>群组信息</h2><p>群名称：${esc(group.name)}</p><p>群主：${esc(group.owner_name)} · 成员 ${group.member_count} 人 · 创建于 ${esc(beijing(group.created_at))}</p><p>导出范围：${esc(rangeLabel(range.from, range.to))}</p><p class="text">群简介：${esc(group.purpose)}</p><p class="text">群规：${esc(group.rules)}</p></section>`;
    meta = { kind: 'group', group: { id: group.id, name: group.name, owner: group.owner_name, purpose: group.purpose, rules: group.rules, createdAt: group.created_at }, range: { from: range.from, to: range.to, label: rangeLabel(range.from, range.to) } };
  } else {
    const profile = await personProfile(em, job.requester_id);
    if (!profile) throw new Error('the requester is gone');
    title = `个人数据：${profile.real_name}`;
    files = ownFileRows(em, profile.id);
    sections = [ownMessagesSection(em, profile.id), ownThreadsSection(em, profile.id), ownRepliesSection(em, profile.id), filesSection('我上传的文件', '没有上传过文件。', files, budget)];
    overview = `<section><h2>个人资料</h2><table><tbody><tr><th>姓名</th><td>${esc(profile.real_name)}</td></tr><tr><th>登录名</th><td>${esc(profile.login_name)}</td></tr><tr><th>单位</th><td>${esc(profile.unit_name)}</td></tr><tr><th>职务</th><td>${esc(profile.title)}</td></tr><tr><th>手机</th><td>${esc(profile.phone ?? '')}</td></tr><tr><th>注册时间</th><td>${esc(beijing(profile.created_at))}</td></tr></tbody></table></section>`;
    meta = { kind: 'personal', profile: { loginName: profile.login_name, realName: profile.real_name, unit: profile.unit_name, title: profile.title, phone: profile.phone, status: profile.status, createdAt: profile.created_at } };
  }

  const header: PageHeader = { archiveTitle: title, exportedBy, nav: [['index.html', '目录'], ...sections.map((s) => [`${s.key}.html`, s.title] as const)] };
  const steps = sections.length * 2 + 1;
  let step = 0;
  const advance = async () => input.progress(Math.min(99, Math.floor((++step / steps) * 100)));

  const counts: Record<string, number> = {};
  for (const section of sections) {
    let n = 0;
    await zip.text(`${section.key}.html`, async (write) => {
      await write(pageStart(header, section.title));
      if (section.open) await write(section.open);
      for await (const row of section.rows()) {
        n += 1;
        await write(section.html(row));
      }
      if (section.close) await write(section.close);
      if (!n) await write(`<p class="empty">${esc(section.empty)}</p>`);
      await write(pageEnd(header));
    });
    counts[section.key] = n;
    await advance();
    await zip.text(`data/${section.key}.json`, async (write) => {
      await write('[\n');
      let first = true;
      for await (const row of section.rows()) {
        await write(`${first ? '' : ',\n'}${JSON.stringify(section.json(row))}`);
        first = false;
      }
      await write('\n]\n');
    });
    await advance();
  }

  // The bytes of the files the list marked as included, in the same order and budget.
  const fileSection = sections.find((s) => s.key === 'files')!;
  for await (const f of fileSection.rows() as AsyncIterable<FileRow & { state: string }>) {
    if (f.state === 'included') await zip.stream(filePath(f), await input.storage.get(f.storage_key));
  }
  await advance();

  const toc = sections.map((s) => `<li><a href="${esc(s.key)}.html">${esc(s.title)}</a>（${counts[s.key]} 条）</li>`).join('');
  await zip.text('index.html', async (write) => {
    await write(pageStart(header, title));
    await write(`${overview}<section><h2>目录</h2><ul>${toc}</ul><p class="meta">受限内容仅在导出人有权查看时导出，否则在原位置显示“此内容为受限内容，导出人无权查看”。撤回、移除的内容只保留记录。机器可读的数据见 data.json 与 data 文件夹。</p></section>`);
    await write(pageEnd(header));
  });
  const manifest = {
    format: 'jiaoliu-archive/1',
    exportId: job.id,
    exportedBy: { id: input.exporter.id, name: input.exporter.name, unit: input.exporter.unit },
    exportedAt,
    ...meta,
    sections: sections.map((s) => ({ key: s.key, title: s.title, count: counts[s.key], html: `${s.key}.html`, json: `data/${s.key}.json` })),
  };
  await zip.text('data.json', (write) => write(`${JSON.stringify(manifest, null, 2)}\n`));
}
