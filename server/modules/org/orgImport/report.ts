import { LEVEL_LABELS } from './columns.js';
import type { ImportPlan } from './plan.js';

/** What an import changes, counted. */
export function planCounts(plan: ImportPlan) {
  const count = <T extends { action: string }>(list: T[], action: string) => list.filter((c) => c.action === action).length;
  return {
    unitsCreated: count(plan.units, 'create'),
    unitsUpdated: count(plan.units, 'update'),
    accountsCreated: count(plan.accounts, 'create'),
    accountsUpdated: count(plan.accounts, 'update'),
    accountsUnchanged: count(plan.accounts, 'unchanged'),
    unitAdminsGranted: plan.accounts.filter((a) => a.grantAdmin).length,
    passwordsReissued: plan.accounts.filter((a) => a.reissuePassword).length,
  };
}

/** The plan as lines a person reads (the console's dry run and result). Never a password. */
export function describePlan(plan: ImportPlan): string[] {
  if (plan.problems.length) {
    return [`文件有 ${plan.problems.length} 处错误，未做任何修改：`, ...plan.problems.map((p) => `  第 ${p.line} 行：${p.message}`)];
  }
  const c = planCounts(plan);
  const lines = [
    `共 ${plan.rowCount} 行：新建单位 ${c.unitsCreated} 个，修改单位 ${c.unitsUpdated} 个；新建账号 ${c.accountsCreated} 个，更新账号 ${c.accountsUpdated} 个，无变化 ${c.accountsUnchanged} 个；新任单位管理员 ${c.unitAdminsGranted} 名${c.passwordsReissued ? `；重发初始密码 ${c.passwordsReissued} 个` : ''}`,
  ];
  for (const unit of plan.units) {
    lines.push(
      unit.action === 'create'
        ? `  新建单位：${unit.name}（${LEVEL_LABELS[unit.level]}，上级：${unit.parentName ?? '无'}）`
        : `  修改单位：${unit.name}（层级 ${LEVEL_LABELS[unit.levelBefore!]} → ${LEVEL_LABELS[unit.level]}）`,
    );
  }
  for (const account of plan.accounts) {
    const admin = account.grantAdmin ? '，设为单位管理员' : '';
    if (account.action === 'create') lines.push(`  新建账号：${account.loginName}（${account.realName}，${account.unitName}${admin}）`);
    if (account.action === 'update') lines.push(`  更新账号：${account.loginName}（${account.realName}：${account.changed.join('、') || '无字段变化'}${admin}）`);
    if (account.reissuePassword) lines.push(`  重发初始密码：${account.loginName}（${account.realName}，尚未修改初始密码）`);
  }
  return lines;
}
