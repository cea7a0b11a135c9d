/**
 * The search corpus: documents posted through the API, and for each query which of them must
 * and must not be found. Keys name documents; `by` is who posts, `where` where it goes.
 */
export type Where = 'group' | 'thread' | 'reply' | 'discussion' | 'direct';

export interface CorpusDoc {
  key: string;
  where: Where;
  by: 'li' | 'cheng' | 'gou';
  text: string;
  /** For threads: the title (text is the body). */
  title?: string;
}

export const DOCS: CorpusDoc[] = [
  { key: 'regulation', where: 'group', by: 'li', text: '省级政府规章可以设定行政许可吗？' },
  { key: 'meeting', where: 'group', by: 'cheng', text: '下周召集三县一区开交流会议，请各县准备材料。' },
  { key: 'licence', where: 'group', by: 'gou', text: '营业执照办理时限压缩到1个工作日' },
  { key: 'latin', where: 'group', by: 'cheng', text: 'GraphQL 接口 v2 已上线，编号 2026118' },
  { key: 'window', where: 'group', by: 'gou', text: '窗口服务规范请发我一份' },
  { key: 'pilot', where: 'thread', by: 'li', title: '相对集中行政许可权试点经验', text: '成都市武侯区率先成立行政审批局，一枚印章管审批。' },
  { key: 'list', where: 'reply', by: 'cheng', text: '我们县的许可事项清单已经公布' },
  { key: 'minutes', where: 'reply', by: 'gou', text: '会议纪要已经上传到资料共享版块' },
  { key: 'secret', where: 'discussion', by: 'cheng', text: '讨论组内部议题：长江计划的分工' },
  { key: 'private', where: 'direct', by: 'gou', text: '私聊内容：珠江计划的材料' },
];

/** Posted, then recalled or deleted: never found. */
export const GONE: CorpusDoc[] = [
  { key: 'recalled', where: 'group', by: 'li', text: '这条消息包含临时口令蓝鲸计划' },
  { key: 'deleted', where: 'reply', by: 'cheng', text: '删除的楼层提到黄河计划' },
];

export interface Expectation {
  query: string;
  viewer: 'li' | 'cheng' | 'gou';
  must: string[];
  mustNot: string[];
}

export const EXPECTATIONS: Expectation[] = [
  { query: '行政许可', viewer: 'li', must: ['regulation', 'pilot'], mustNot: ['list', 'window', 'meeting'] },
  { query: '许可', viewer: 'li', must: ['regulation', 'pilot', 'list'], mustNot: ['window'] },
  { query: '会议', viewer: 'li', must: ['meeting', 'minutes'], mustNot: ['regulation'] },
  { query: '交流会议', viewer: 'li', must: ['meeting'], mustNot: ['minutes'] },
  { query: '行政审批局', viewer: 'cheng', must: ['pilot'], mustNot: ['regulation'] },
  { query: '营业执照', viewer: 'gou', must: ['licence'], mustNot: [] },
  { query: 'graphql', viewer: 'li', must: ['latin'], mustNot: [] },
  { query: 'GRAPHQL 接口', viewer: 'li', must: ['latin'], mustNot: [] },
  { query: '2026118', viewer: 'gou', must: ['latin'], mustNot: [] },
  { query: '资料共享', viewer: 'cheng', must: ['minutes'], mustNot: [] },
  { query: '窗口 服务', viewer: 'li', must: ['window'], mustNot: ['licence'] },
  { query: '蓝鲸计划', viewer: 'li', must: [], mustNot: ['recalled'] },
  { query: '黄河计划', viewer: 'cheng', must: [], mustNot: ['deleted'] },
  { query: '长江计划', viewer: 'li', must: ['secret'], mustNot: [] },
  { query: '长江计划', viewer: 'gou', must: [], mustNot: ['secret'] },
  { query: '珠江计划', viewer: 'li', must: ['private'], mustNot: [] },
  { query: '珠江计划', viewer: 'cheng', must: [], mustNot: ['private'] },
];
