/** Where a configuration value came from, as `config show` tells it and problems point at it. */
export type ValueSource =
  | { from: 'flag'; flag: string }
  | { from: 'env'; variable: string }
  | { from: 'file'; file: string; line: number }
  | { from: 'default' };

/** `flag --timeout`, `env CUSTOS_SCAN_TIMEOUT`, `file /etc/custos.yaml:4`, `default`. */
export function sourceText(source: ValueSource): string {
  switch (source.from) {
    case 'flag':
      return `flag ${source.flag}`;
    case 'env':
      return `env ${source.variable}`;
    case 'file':
      return `file ${source.file}:${source.line}`;
    case 'default':
      return 'default';
  }
}

/** Where a problem is, in front of its message: `/etc/custos.yaml:4`, `CUSTOS_SCAN_TIMEOUT`, `--timeout`. */
export function sourceWhere(source: ValueSource): string {
  switch (source.from) {
    case 'flag':
      return source.flag;
    case 'env':
      return source.variable;
    case 'file':
      return `${source.file}:${source.line}`;
    case 'default':
      return '(default)';
  }
}
