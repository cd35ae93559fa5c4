// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * src/core and src/pki do no I/O and never read the clock, randomness or the environment themselves: those come in
 * through ports (src/core/ports). The import direction between folders is .dependency-cruiser.mjs's job; these rules
 * catch what an import graph cannot see (globals, calls). test/guard.test.ts lints a fixture with each forbidden use.
 */
const IO_MODULE =
  '^(node:)?(fs|net|dns|http|https|http2|child_process|tls|dgram|os|worker_threads|process)(/.*)?$';
const IO_PACKAGE = '^(kysely|fastify|pg|better-sqlite3|pino|nodemailer)(/.*)?$';
/** esquery ends a regular expression at its first `/`, so a selector spells it as an escape. */
const inSelector = (pattern) => pattern.replaceAll('/', '\\u002F');
const PORT = 'take it through a port in src/core/ports';
const pureRules = {
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        { regex: IO_MODULE, message: `src/core and src/pki do no I/O: ${PORT}.` },
        {
          regex: IO_PACKAGE,
          message: `src/core and src/pki use no database, server, logger or mail: ${PORT}.`,
        },
        {
          regex: '^(node:)?crypto$',
          importNamePattern: '^(random|getRandomValues)',
          message: `src/core and src/pki never draw randomness themselves: ${PORT}.`,
        },
      ],
    },
  ],
  'no-restricted-globals': [
    'error',
    {
      name: 'process',
      message: `src/core and src/pki read no environment, arguments or process state: ${PORT}.`,
    },
    { name: 'fetch', message: `src/core and src/pki do no network I/O: ${PORT}.` },
    {
      name: 'performance',
      message: `src/core and src/pki never read the clock: take a Clock (src/core/ports).`,
    },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'src/core and src/pki never read the clock: take a Clock.' },
    {
      object: 'Math',
      property: 'random',
      message: `src/core and src/pki never draw randomness themselves: ${PORT}.`,
    },
    {
      object: 'globalThis',
      property: 'process',
      message: `src/core and src/pki read no process state: ${PORT}.`,
    },
    { object: 'globalThis', property: 'fetch', message: `src/core and src/pki do no network I/O: ${PORT}.` },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: 'NewExpression[callee.name="Date"][arguments.length=0]',
      message: 'src/core and src/pki never read the clock (`new Date()`): take a Clock from src/core/ports.',
    },
    {
      selector: 'CallExpression[callee.name="Date"]',
      message: 'src/core and src/pki never read the clock (`Date()`): take a Clock from src/core/ports.',
    },
    {
      selector: 'MemberExpression[property.name=/^(random[A-Z]\\w*|getRandomValues)$/]',
      message: `src/core and src/pki never draw randomness themselves (crypto.random*, getRandomValues): ${PORT}.`,
    },
    {
      selector: `ImportExpression > Literal[value=/${inSelector(IO_MODULE)}|${inSelector(IO_PACKAGE)}/]`,
      message: `src/core and src/pki do no I/O, not even through import(): ${PORT}.`,
    },
    {
      selector: 'CallExpression[callee.name="require"]',
      message: 'src/core and src/pki are ESM: no require().',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.custos/**',
      'bench/.data/**',
      '.scratch*/**',
      // Forbidden on purpose: test/guard.test.ts proves each one is reported.
      'test/guard-fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/pki/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: pureRules,
  },
  {
    // One configuration (DESIGN.md): the environment is read once, by the config loader; everything else takes the
    // configuration or the environment snapshot from the composition root.
    files: ['src/**/*.ts'],
    ignores: ['src/core/**', 'src/pki/**', '**/*.test.ts', 'src/compose/config/environment.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message:
            'read configuration from the composition root (src/compose/config/environment.ts reads process.env)',
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
