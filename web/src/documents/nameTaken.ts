/**
 * Asked when an upload meets a document of the same name in its folder: 保存为新版本 (the
 * default, when the viewer may add versions to it), 另存为新文件 (the server numbers it:
 * 会议议程(2).txt) or 取消. Answers the target to upload to, or null for 取消.
 */
import { h } from '../dom.js';
import { formDialog } from './dialog.js';
import type { LibraryDocument } from './types.js';
import type { UploadTarget } from './upload.js';

const numbered = (name: string) => {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}(2)${name.slice(dot)}` : `${name}(2)`;
};

export function askNameTaken(file: File, existing: LibraryDocument, target: UploadTarget): Promise<UploadTarget | null> {
  return new Promise((resolve) => {
    let answered = false;
    const mayVersion = existing.viewerCan.addVersion;
    const choice = (value: 'version' | 'copy', label: string, hint: string, checked: boolean, disabled = false) =>
      h(
        'label',
        { class: `name-choice${disabled ? ' is-disabled' : ''}` },
        h('input', { type: 'radio', name: 'nameTaken', value, checked, disabled, 'data-testid': `name-taken-${value}` }),
        h('span', null, h('strong', null, label), h('span', { class: 'hint' }, hint)),
      );
    const dialog = formDialog(
      {
        title: '已有同名文件',
        testid: 'name-taken-dialog',
        submitLabel: '上传',
        busyLabel: '正在上传…',
        onClose: () => {
          if (!answered) resolve(null);
        },
        submit: async (form) => {
          answered = true;
          const picked = (form.elements.namedItem('nameTaken') as RadioNodeList).value;
          resolve(picked === 'version' ? { ...target, documentId: existing.id, folderId: undefined, ifNameTaken: undefined } : { ...target, documentId: undefined, ifNameTaken: 'rename' });
        },
      },
      h('p', null, `这里已有名为“${existing.name}”的文件（${existing.uploader.realName} 上传，共 ${existing.latestVersion.version} 个版本）。要如何保存“${file.name}”？`),
      h(
        'fieldset',
        { class: 'name-choices' },
        h('legend', { class: 'visually-hidden' }, '保存方式'),
        choice('version', '保存为新版本', mayVersion ? '替换列表中显示的文件，旧版本仍可在“版本”中下载' : '只有原文件的上传者和群管理员可以上传新版本', mayVersion, !mayVersion),
        choice('copy', '另存为新文件', `保留两个文件，新文件名后加编号，例如“${numbered(file.name)}”`, !mayVersion),
      ),
    );
    dialog.open();
  });
}
