import { DATAOPS_SEARCH_ATTRIBUTES } from '../workflows/definitions.ts';

/** The Temporal CLI's spelling of each search attribute type (`--search-attribute Name=Keyword`). */
const CLI_TYPE_NAMES = {
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  TEXT: 'Text',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
} as const;

/** The custom search attributes to register: the typed keys the workflows declare, by name. */
export const SEARCH_ATTRIBUTES = DATAOPS_SEARCH_ATTRIBUTES.map((key) => ({ name: key.name, type: key.type }));

export function devServerSearchAttributeFlags(): string[] {
  return SEARCH_ATTRIBUTES.flatMap(({ name, type }) => ['--search-attribute', `${name}=${CLI_TYPE_NAMES[type]}`]);
}
