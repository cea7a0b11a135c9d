import type { MikroORM } from '@mikro-orm/postgresql';
import { ref } from '@mikro-orm/core';
import { OrgUnit, User } from '../server/db/entities/index.js';
import { audit } from '../server/audit/logger.js';
import type { PasswordHasher } from '../server/modules/accounts/passwords.js';
import { newUnit } from '../server/modules/org/units.js';
import { personPinyinKey } from '../server/modules/content/pinyin.js';

/** One password for every demo account (stated in README.md). */
export const DEMO_PASSWORD = 'Jiaoliu@2026';

export const UNITS = {
  province: '四川省政务服务中心',
  bazhong: '巴中市政务服务中心',
  bazhou: '巴州区政务服务中心',
  tongjiang: '通江县政务服务中心',
  nanjiang: '南江县政务服务中心',
  pingchang: '平昌县政务服务中心',
  chengdu: '成都市政务服务中心',
  jinjiang: '锦江区政务服务中心',
  wuhou: '武侯区政务服务中心',
} as const;
type UnitKey = keyof typeof UNITS;

interface DemoPerson {
  login: string;
  name: string;
  unit: UnitKey;
  title: string;
  phone?: string;
  adminOf?: UnitKey[];
  systemAdmin?: boolean;
  status?: 'pending';
  note?: string;
}

/** The cast of the 2006 article, then colleagues across every demo unit. */
export const PEOPLE: DemoPerson[] = [
  { login: 'lijinsong', name: '李劲松', unit: 'bazhong', title: '督查科科长', phone: '13881612345' },
  { login: 'zhangkaifeng', name: '张凯峰', unit: 'province', title: '督查处处长', phone: '13908001234', adminOf: ['province'] },
  { login: 'chengyong', name: '程永', unit: 'bazhong', title: '副主任', phone: '13982700001', adminOf: ['bazhong'] },
  { login: 'niujianping', name: '牛建平', unit: 'province', title: '主任' },
  { login: 'ningzhiyuan', name: '宁志远', unit: 'bazhou', title: '主任', phone: '13550771234' },
  { login: 'gouxiaoyan', name: '苟晓燕', unit: 'tongjiang', title: '综合股科员', phone: '15182790001' },
  { login: 'zhaomin', name: '赵敏', unit: 'province', title: '信息技术处工程师', systemAdmin: true },
  { login: 'chenjing', name: '陈静', unit: 'chengdu', title: '办公室主任', adminOf: ['chengdu'] },
  { login: 'wanghaiyan', name: '王海燕', unit: 'province', title: '审批协调处副处长' },
  { login: 'liuqiang', name: '刘强', unit: 'province', title: '法规处科员' },
  { login: 'yangfan', name: '杨帆', unit: 'province', title: '督查处副主任科员' },
  { login: 'huangwei', name: '黄伟', unit: 'bazhong', title: '审批科科长' },
  { login: 'zhouli', name: '周丽', unit: 'bazhong', title: '办公室科员' },
  { login: 'wuxiaodong', name: '吴晓东', unit: 'bazhong', title: '信息科科员' },
  { login: 'xumingliang', name: '徐明亮', unit: 'bazhou', title: '副主任' },
  { login: 'sunli', name: '孙莉', unit: 'bazhou', title: '窗口管理股股长' },
  { login: 'majun', name: '马骏', unit: 'tongjiang', title: '主任' },
  { login: 'zhuhong', name: '朱红', unit: 'tongjiang', title: '督查股股长' },
  { login: 'hulin', name: '胡林', unit: 'nanjiang', title: '主任' },
  { login: 'guojing', name: '郭静', unit: 'nanjiang', title: '综合股科员' },
  { login: 'linxiaofeng', name: '林晓峰', unit: 'nanjiang', title: '审批股股长' },
  { login: 'heping', name: '何平', unit: 'pingchang', title: '主任' },
  { login: 'luoyu', name: '罗宇', unit: 'pingchang', title: '副主任' },
  { login: 'liangshan', name: '梁珊', unit: 'pingchang', title: '办公室科员' },
  { login: 'songtao', name: '宋涛', unit: 'chengdu', title: '审批处处长' },
  { login: 'tangyuan', name: '唐媛', unit: 'chengdu', title: '督查处科员' },
  { login: 'hanlei', name: '韩磊', unit: 'chengdu', title: '信息中心工程师' },
  { login: 'fengxue', name: '冯雪', unit: 'jinjiang', title: '主任' },
  { login: 'dengchao', name: '邓超', unit: 'jinjiang', title: '窗口管理科科长' },
  { login: 'caolin', name: '曹琳', unit: 'jinjiang', title: '科员' },
  { login: 'pengbo', name: '彭博', unit: 'wuhou', title: '主任' },
  { login: 'xiemei', name: '谢梅', unit: 'wuhou', title: '综合科科长' },
  { login: 'yuanhao', name: '袁浩', unit: 'wuhou', title: '科员' },
  { login: 'jiangtao', name: '蒋涛', unit: 'province', title: '办公室科员' },
  { login: 'caiwen', name: '蔡雯', unit: 'bazhou', title: '科员' },
  { login: 'aiyiguli', name: '阿依古丽·买买提', unit: 'chengdu', title: '对口支援办科员' },
  // Applications waiting for review: one in 巴中 (for 程永), one in 成都 (not for 程永).
  { login: 'hewei', name: '何伟', unit: 'nanjiang', title: '科员', status: 'pending', note: '南江县政务服务中心新入职，申请加入平台' },
  { login: 'liuyang', name: '刘洋', unit: 'wuhou', title: '科员', status: 'pending', note: '武侯区政务服务中心窗口工作人员' },
];

/**
 * Loads the demo units and people once: does nothing when units already exist, so every
 * start may call it. Runs in one transaction.
 */
export async function loadDemoData(orm: MikroORM, hasher: PasswordHasher): Promise<boolean> {
  const em = orm.em.fork();
  if ((await em.count(OrgUnit, {})) > 0) return false;
  // One hash per person (own salt), computed before the transaction opens.
  const hashes = await Promise.all(PEOPLE.map(() => hasher.hash(DEMO_PASSWORD)));
  await em.transactional(async (tem) => {
    const units = {} as Record<UnitKey, OrgUnit>;
    units.province = newUnit(UNITS.province, 'province', null);
    units.bazhong = newUnit(UNITS.bazhong, 'city', units.province, 1);
    units.chengdu = newUnit(UNITS.chengdu, 'city', units.province, 2);
    (['bazhou', 'tongjiang', 'nanjiang', 'pingchang'] as const).forEach((key, i) => (units[key] = newUnit(UNITS[key], 'county', units.bazhong, i + 1)));
    (['jinjiang', 'wuhou'] as const).forEach((key, i) => (units[key] = newUnit(UNITS[key], 'county', units.chengdu, i + 1)));
    Object.values(units).forEach((unit) => tem.persist(unit));

    PEOPLE.forEach((person, i) => {
      const user = new User();
      Object.assign(user, {
        loginName: person.login,
        realName: person.name,
        title: person.title,
        phone: person.phone ?? null,
        isSystemAdmin: !!person.systemAdmin,
        status: person.status ?? 'active',
        applicationNote: person.note ?? null,
        passwordHash: hashes[i],
        reviewedAt: person.status ? null : new Date(),
      });
      user.namePinyin = personPinyinKey(user);
      user.unit = ref(units[person.unit]);
      for (const key of person.adminOf ?? []) user.adminUnits.add(units[key]);
      tem.persist(user);
      audit(tem, {
        actorId: null,
        action: person.status ? 'user.registered' : 'user.created',
        targetType: 'user',
        targetId: user.id,
        unitId: units[person.unit].id,
        reason: '演示数据',
        after: { loginName: user.loginName, realName: user.realName, status: user.status },
      });
    });
    await tem.flush();
  });
  return true;
}
