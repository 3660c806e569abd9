import { BadInputError } from '../../errors/bad-input.ts';

export type TextEncodingName = 'utf-8' | 'gbk' | 'gb18030';

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

function hasHighBytes(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return true;
  return false;
}

/**
 * Decides the file's encoding from its first bytes. `auto` picks UTF-8 when valid, GBK otherwise.
 * A declared encoding that the bytes contradict is refused with advice, rather than loading mojibake.
 */
export function resolveEncoding(declared: 'auto' | TextEncodingName, head: Uint8Array, source: string): TextEncodingName {
  const utf8 = isValidUtf8(head);
  if (declared === 'auto') return utf8 ? 'utf-8' : 'gbk';
  if (declared === 'utf-8' && !utf8) {
    throw new BadInputError(`${source} is not valid UTF-8 (declared encoding: utf-8); if it is GBK, set source.encoding to gbk or auto`);
  }
  if (declared !== 'utf-8' && utf8 && hasHighBytes(head)) {
    throw new BadInputError(`${source} looks like UTF-8, not ${declared} as declared; set source.encoding to utf-8 or auto`);
  }
  return declared;
}
