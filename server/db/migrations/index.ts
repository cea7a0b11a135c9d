import { Migration20261124000000Initial } from './Migration20261124000000Initial.js';
import { Migration20261124200000Chat } from './Migration20261124200000Chat.js';
import { Migration20261125000000Forum } from './Migration20261125000000Forum.js';
import { Migration20261125010000NotificationSubjects } from './Migration20261125010000NotificationSubjects.js';
import { Migration20261125020000Documents } from './Migration20261125020000Documents.js';
import { Migration20261125030000Meetings } from './Migration20261125030000Meetings.js';
import { Migration20261125120000SearchOrder } from './Migration20261125120000SearchOrder.js';
import { Migration20261125140000Moderation } from './Migration20261125140000Moderation.js';
import { Migration20261125150000Confidentiality } from './Migration20261125150000Confidentiality.js';
import { Migration20261125160000MeetingAttachments } from './Migration20261125160000MeetingAttachments.js';
import { Migration20261125170000SearchBlocks } from './Migration20261125170000SearchBlocks.js';
import { Migration20261125180000SearchMerge } from './Migration20261125180000SearchMerge.js';
import { Migration20261207010000OrgImport } from './Migration20261207010000OrgImport.js';
import { Migration20261207020000Directory } from './Migration20261207020000Directory.js';
import { Migration20261207030000Archives } from './Migration20261207030000Archives.js';
import { Migration20261208050000JoinNotifications } from './Migration20261208050000JoinNotifications.js';
import { Migration20261208060000SearchPinyin } from './Migration20261208060000SearchPinyin.js';

/** Checked-in migrations, applied in order by the Migrator at start. */
export const migrationsList = [
  { name: 'Migration20261124000000Initial', class: Migration20261124000000Initial },
  { name: 'Migration20261124200000Chat', class: Migration20261124200000Chat },
  { name: 'Migration20261125000000Forum', class: Migration20261125000000Forum },
  { name: 'Migration20261125010000NotificationSubjects', class: Migration20261125010000NotificationSubjects },
  { name: 'Migration20261125020000Documents', class: Migration20261125020000Documents },
  { name: 'Migration20261125030000Meetings', class: Migration20261125030000Meetings },
  { name: 'Migration20261125120000SearchOrder', class: Migration20261125120000SearchOrder },
  { name: 'Migration20261125140000Moderation', class: Migration20261125140000Moderation },
  { name: 'Migration20261125150000Confidentiality', class: Migration20261125150000Confidentiality },
  { name: 'Migration20261125160000MeetingAttachments', class: Migration20261125160000MeetingAttachments },
  { name: 'Migration20261125170000SearchBlocks', class: Migration20261125170000SearchBlocks },
  { name: 'Migration20261125180000SearchMerge', class: Migration20261125180000SearchMerge },
  { name: 'Migration20261207010000OrgImport', class: Migration20261207010000OrgImport },
  { name: 'Migration20261207020000Directory', class: Migration20261207020000Directory },
  { name: 'Migration20261207030000Archives', class: Migration20261207030000Archives },
  { name: 'Migration20261208050000JoinNotifications', class: Migration20261208050000JoinNotifications },
  { name: 'Migration20261208060000SearchPinyin', class: Migration20261208060000SearchPinyin },
];
