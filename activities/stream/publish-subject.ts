import { KEY_PLACEHOLDER, type StreamPublishTarget } from '../../schemas/stream-publish-spec.ts';

const PLAIN = /^[A-Za-z0-9_-]$/;

/**
 * A key as one subject token or topic level: letters, digits, `_` and `-` as they are, every other
 * byte of its UTF-8 as `~XX` (so `~` itself too). Nothing in a key can then add a level, a wildcard
 * or white space, and the token still reads back to the key.
 */
export function keyToken(key: string): string {
  let token = '';
  for (const char of key) {
    if (PLAIN.test(char)) token += char;
    else for (const byte of Buffer.from(char, 'utf8')) token += `~${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return token || '~';
}

/** The subject (or topic) of one row's message: the template with `{key}` filled in. */
export function subjectFor(target: StreamPublishTarget): (key: string) => string {
  const template = target.type === 'jetstream' ? target.subject : target.topic;
  if (!template.includes(KEY_PLACEHOLDER)) return () => template;
  const [before, after] = template.split(KEY_PLACEHOLDER) as [string, string];
  return (key) => `${before}${keyToken(key)}${after}`;
}

/** The subjects a template stands for, as a JetStream filter (`{key}` as `*`): the stream must store them all. */
export function subjectFilter(target: StreamPublishTarget): string {
  const template = target.type === 'jetstream' ? target.subject : target.topic;
  return template.replace(KEY_PLACEHOLDER, target.type === 'jetstream' ? '*' : '+');
}
