import { PersonView, UnitView } from '../modules/accounts/people.js';
import { isKeyedView, keyedView, type MessageView } from '../modules/chat/messageViews.js';

/**
 * Bus payloads as JSON text and back, for the instances that share one bus.
 *
 * Payloads are plain data (views, rows, strings, numbers) plus the few things JSON loses on the
 * way: Dates, the PersonView/UnitView classes the presenters and policies recognise by
 * `instanceof`, and message views' own `toJSON` (their loader cache key, see messageViews.ts). Those travel tagged and come back as what they were, so a payload that crossed
 * from another instance resolves exactly like a local one. Tag keys start with NUL, which no
 * PostgreSQL text or jsonb value can hold: stored data can never be mistaken for a tag.
 * ORM entities (cycles, getters) must never be in a payload; encode refuses them loudly.
 */

const DATE = '\u0000d';
const CLASS = '\u0000c';
const PROTOTYPES: Record<string, object> = { person: PersonView.prototype, unit: UnitView.prototype };

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (raw instanceof Date) return { [DATE]: raw.getTime() };
  if (raw instanceof PersonView) return { [CLASS]: 'person', ...raw };
  if (raw instanceof UnitView) return { [CLASS]: 'unit', ...raw };
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    if (isKeyedView(raw)) return { [CLASS]: 'message', ...raw };
    const proto = Object.getPrototypeOf(raw);
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`bus payloads must be plain data, found a ${proto?.constructor?.name ?? 'class instance'} at "${key}"`);
  }
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  if (DATE in record) return new Date(record[DATE] as number);
  const kind = record[CLASS];
  if (typeof kind === 'string' && PROTOTYPES[kind]) {
    const { [CLASS]: _, ...fields } = record;
    return Object.assign(Object.create(PROTOTYPES[kind]), fields);
  }
  if (kind === 'message') {
    const { [CLASS]: _, ...fields } = record;
    return keyedView(fields as unknown as MessageView);
  }
  return value;
}

export const encodeWire = (value: unknown): string => JSON.stringify(value, replacer);
export const decodeWire = <T>(text: string): T => JSON.parse(text, reviver) as T;
