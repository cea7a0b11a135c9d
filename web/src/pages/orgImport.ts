/**
 * #/admin/org-import (system admins): the unit tree and officials from an HR file. Choose the
 * file, see the dry run (what changes, or every bad row by line), confirm, then download the
 * new accounts' initial passwords (given once; the server keeps no clear copy). When that file
 * was lost, 重发初始密码 issues fresh ones to the file's accounts that never changed theirs.
 */
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { h, replaceChildren, setText } from '../dom.js';
import { formatDate } from '../format.js';
import { notify } from '../notify.js';
import { viewer } from '../session.js';
import { button, errorBox, loading, pageTitle, type Page, type PageContext } from '../ui.js';
import { graphql, type ResultOf } from '../graphql/index.js';

const IMPORT = graphql(`mutation ImportOrganisation($fileName: String!, $contentBase64: String!, $dryRun: Boolean!, $reissuePasswords: Boolean!) {
  importOrganisation(fileName: $fileName, contentBase64: $contentBase64, dryRun: $dryRun, reissuePasswords: $reissuePasswords) {
    applied rowCount unchangedAccounts initialPasswordsCsv
    problems { line message }
    units { action name level parentName line }
    accounts { action line loginName realName unitName changed grantAdmin reissuePassword }
  }
}`);
type Result = ResultOf<typeof IMPORT>['importOrganisation'];

const MAX_BYTES = 512 * 1024;
const HEADER = '单位, 上级单位, 层级, 姓名, 登录名, 职务, 手机, 邮箱, 是否单位管理员';
const LEVELS: Record<string, string> = { PROVINCE: '省级', CITY: '市级', COUNTY: '县级' };

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function orgImportPage(ctx: PageContext): Page {
  const intro = h(
    'div',
    { class: 'muted' },
    h('p', null, `上传人事部门的 CSV 或 Excel（.xlsx）文件，第一行为表头：${HEADER}。每行一名工作人员；只写单位、上级单位和层级的行只建单位。`),
    h('p', null, '已有账号按登录名匹配并更新，不会重复创建，也不会修改其密码；任何一行有错误时不导入任何内容。新账号的初始密码在导入后提供下载，首次登录须修改。'),
  );
  const el = h('section', { class: 'org-import' }, pageTitle('组织导入', intro));
  if (!viewer()?.isSystemAdmin) {
    el.append(errorBox('只有系统管理员可以导入组织机构。'));
    return { title: '组织导入', el };
  }

  const fileInput = h('input', { type: 'file', name: 'file', accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'data-testid': 'import-file', 'aria-describedby': 'import-file-hint' });
  const reissue = h('input', { type: 'checkbox', name: 'reissuePasswords', id: 'org-import-reissue', 'data-testid': 'import-reissue' });
  const check = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'import-check' }, '检查文件（试运行）');
  const alert = h('div', { class: 'alert alert-error', role: 'alert', hidden: true, 'data-testid': 'import-error' });
  const form = h(
    'form',
    { class: 'form card', novalidate: true, 'data-testid': 'import-form' },
    alert,
    h('div', { class: 'field' }, h('label', { for: 'org-import-file' }, '组织机构文件'), fileInput, h('p', { class: 'hint', id: 'import-file-hint' }, '.csv（UTF-8 或 Excel 另存的 GB18030）或 .xlsx，不超过 512 KB；更大的文件请由运维人员用 npm run admin -- import-org 导入。')),
    h(
      'div',
      { class: 'field' },
      h('label', { class: 'check', for: 'org-import-reissue' }, reissue, '为文件中尚未修改初始密码的账号重发初始密码'),
      h('p', { class: 'hint' }, '初始密码文件丢失时使用：这些账号的原初始密码随即失效，已修改过密码的账号不受影响。'),
    ),
    h('div', { class: 'form-actions' }, check),
  );
  fileInput.id = 'org-import-file';
  const outcome = h('div', { class: 'import-outcome', 'aria-live': 'polite' });
  el.append(form, outcome);

  // The file and the choice the dry run was made with: the import is exactly what was previewed.
  let chosen: { name: string; content: string; reissuePasswords: boolean } | null = null;
  const showError = (message: string | null) => {
    setText(alert, message);
    alert.hidden = !message;
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(null);
    const file = fileInput.files?.[0];
    if (!file) return showError('请选择要导入的文件');
    if (!/\.(csv|xlsx)$/i.test(file.name)) return showError('只支持 .csv 或 .xlsx 文件');
    if (file.size > MAX_BYTES) return showError('文件超过 512 KB：请分成几个文件，或由运维人员用命令导入');
    check.disabled = true;
    replaceChildren(outcome, loading('正在检查文件…'));
    try {
      chosen = { name: file.name, content: await base64Of(file), reissuePasswords: reissue.checked };
      const data = await gql(IMPORT, { fileName: chosen.name, contentBase64: chosen.content, dryRun: true, reissuePasswords: chosen.reissuePasswords }, ctx.signal);
      if (!ctx.signal.aborted) replaceChildren(outcome, preview(data.importOrganisation));
    } catch (error) {
      const shown = pageError(error);
      replaceChildren(outcome);
      if (shown) showError(shown.message);
    } finally {
      check.disabled = false;
    }
  });

  function preview(result: Result): HTMLElement {
    if (result.problems.length) return problemsCard(result, '文件有错误，未做任何修改。请改正以下各行后重新选择文件：');
    const changes = result.units.length + result.accounts.length;
    const confirm = button('确认导入', () => void apply(confirm), 'primary', { 'data-testid': 'import-confirm', disabled: changes === 0 });
    return h(
      'div',
      { class: 'card', 'data-testid': 'import-preview' },
      h('h2', { class: 'panel-title' }, '试运行结果（尚未导入）'),
      summary(result),
      changeLists(result),
      changes === 0 ? h('p', { class: 'muted' }, '系统中的数据已与文件一致，无需导入。') : h('div', { class: 'form-actions' }, confirm, button('重新选择文件', () => { replaceChildren(outcome); fileInput.focus(); })),
    );
  }

  async function apply(confirm: HTMLButtonElement): Promise<void> {
    if (!chosen) return;
    confirm.disabled = true;
    const progress = loading('正在导入：创建单位和账号、生成初始密码，人数多时需要一些时间，请勿关闭页面…');
    confirm.after(progress);
    try {
      const data = await gql(IMPORT, { fileName: chosen.name, contentBase64: chosen.content, dryRun: false, reissuePasswords: chosen.reissuePasswords });
      const result = data.importOrganisation;
      replaceChildren(outcome, result.applied ? doneCard(result) : problemsCard(result, '导入前数据已有变化，文件出现以下错误，未做任何修改：'));
      if (result.applied) notify('导入完成');
    } catch (error) {
      progress.remove();
      confirm.disabled = false;
      const shown = pageError(error);
      if (shown) showError(shown.message);
    }
  }

  return { title: '组织导入', el };
}

function summary(result: Result): HTMLElement {
  const count = (list: Array<{ action: string }>, action: string) => list.filter((c) => c.action === action).length;
  const reissued = result.accounts.filter((a) => a.reissuePassword).length;
  return h(
    'p',
    { 'data-testid': 'import-summary' },
    `共 ${result.rowCount} 行：新建单位 ${count(result.units, 'CREATE')} 个，修改单位 ${count(result.units, 'UPDATE')} 个；新建账号 ${count(result.accounts, 'CREATE')} 个，更新账号 ${count(result.accounts, 'UPDATE')} 个，无变化 ${result.unchangedAccounts} 个。` +
      (reissued ? `重发初始密码 ${reissued} 个。` : ''),
  );
}

function changeLists(result: Result): HTMLElement {
  const units = result.units.map((u) =>
    h('li', { 'data-testid': 'import-unit' }, u.action === 'CREATE' ? `新建单位：${u.name}（${LEVELS[u.level] ?? u.level}，上级：${u.parentName ?? '无'}）` : `修改单位：${u.name}（层级改为${LEVELS[u.level] ?? u.level}）`),
  );
  const accounts = result.accounts.map((a) =>
    h(
      'li',
      { 'data-testid': 'import-account' },
      a.action === 'CREATE'
        ? `新建账号：${a.loginName}（${a.realName}，${a.unitName}）`
        : a.action === 'UPDATE'
          ? `更新账号：${a.loginName}（${a.realName}：${a.changed.join('、') || '管理员身份'}）`
          : `账号：${a.loginName}（${a.realName}，无变化）`,
      a.grantAdmin ? '，设为单位管理员' : '',
      a.reissuePassword ? '，重发初始密码' : '',
    ),
  );
  return h('div', null, units.length ? h('ul', { class: 'import-list' }, units) : null, accounts.length ? h('ul', { class: 'import-list' }, accounts) : null);
}

function problemsCard(result: Result, heading: string): HTMLElement {
  return h(
    'div',
    { class: 'card', 'data-testid': 'import-problems' },
    h('div', { class: 'alert alert-error', role: 'alert' }, `${heading}（共 ${result.problems.length} 处）`),
    h('ul', { class: 'import-list' }, result.problems.map((p) => h('li', { 'data-testid': 'import-problem' }, `第 ${p.line} 行：${p.message}`))),
  );
}

function doneCard(result: Result): HTMLElement {
  const card = h('div', { class: 'card', 'data-testid': 'import-done' }, h('h2', { class: 'panel-title' }, '导入完成'), summary(result));
  if (result.initialPasswordsCsv) {
    const bytes = Uint8Array.from(atob(result.initialPasswordsCsv), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: 'text/csv;charset=utf-8' }));
    card.append(
      h('div', { class: 'alert', role: 'status' }, '初始密码只在此提供一次，服务器不保存明文。文件按单位排列：请立即下载，按单位交各单位管理员当面或通过安全渠道分发；首次登录须修改密码。若文件丢失，可重新导入同一文件并勾选“重发初始密码”。'),
      h('a', { class: 'btn btn-primary', href: url, download: `初始密码-${formatDate(new Date().toISOString()).replace(/\D/g, '')}.csv`, 'data-testid': 'import-passwords' }, '下载初始密码文件（CSV）'),
    );
  }
  return card;
}
