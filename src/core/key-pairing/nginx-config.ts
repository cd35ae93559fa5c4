import { directoryOf, resolvePath } from '../inventory/file-path.js';
import { newSection, sectionPairs, type ConfigSection } from './config-sections.js';
import type { ConfiguredKeyPair } from './key-pairs.js';

type Token = { word: string } | { punctuation: '{' | '}' | ';' };

/** nginx's tokens: words (bare or quoted), braces and semicolons; `#` starts a comment where a token would start. */
function* tokens(text: string): Generator<Token> {
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) i += 1;
    else if (c === '#') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
    } else if (c === '{' || c === '}' || c === ';') {
      yield { punctuation: c };
      i += 1;
    } else if (c === '"' || c === "'") {
      let word = '';
      i += 1;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) i += 1;
        word += text[i];
        i += 1;
      }
      i += 1;
      yield { word };
    } else {
      const start = i;
      while (i < text.length && !/[\s{};]/.test(text[i] as string)) i += 1;
      yield { word: text.slice(start, i) };
    }
  }
}

/** A value that names a file (not a `$variable`, `data:` content or an `engine:` key), made absolute. */
function fileValue(value: string | undefined, base: string): string | null {
  if (value === undefined || value.includes('$') || /^(data|engine|store):/.test(value)) return null;
  return resolvePath(base, value);
}

/**
 * The `ssl_certificate` / `ssl_certificate_key` pairs of an nginx configuration file, block by block (a `server`
 * inherits what `http` names). Only these two directives are read; `include` is not followed (the included file is
 * read when it is in the scanned tree). Relative paths are taken from the file's directory (nginx takes them from
 * its prefix, which is where its configuration usually lives).
 */
export function nginxKeyPairs(text: string, path: string): ConfiguredKeyPair[] {
  const base = directoryOf(path);
  const root = newSection(null);
  const sections: ConfigSection[] = [root];
  let current = root;
  let words: string[] = [];
  for (const token of tokens(text)) {
    if ('word' in token) {
      words.push(token.word);
      continue;
    }
    if (token.punctuation === '{') {
      current = newSection(current);
      sections.push(current);
    } else if (token.punctuation === '}') current = current.parent ?? root;
    else if (words[0] === 'ssl_certificate') current.certificates.push(fileValue(words[1], base));
    else if (words[0] === 'ssl_certificate_key') current.keys.push(fileValue(words[1], base));
    words = [];
  }
  return sectionPairs(sections, 'nginx', path);
}
