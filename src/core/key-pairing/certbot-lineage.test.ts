import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foldedArchiveFiles } from './certbot-lineage.js';

const le = '/etc/letsencrypt';
const archived = [1, 2].flatMap((n) =>
  ['cert', 'chain', 'fullchain', 'privkey'].map((f) => `${le}/archive/shop.test/${f}${n}.pem`),
);

test('the archive of a lineage whose live/ files link into it is folded, past versions too', () => {
  const links = ['cert', 'chain', 'fullchain', 'privkey'].map((f) => ({
    path: `${le}/live/shop.test/${f}.pem`,
    // The walk went through a link to /etc: the resolved target may not share the walked prefix.
    linkTarget: `/private/etc/letsencrypt/archive/shop.test/${f}2.pem`,
  }));
  const other = `${le}/archive/other.test/cert1.pem`;
  const folded = foldedArchiveFiles(links, [
    ...archived,
    other,
    `${le}/archive/shop.test/README`,
    ...links.map((l) => l.path),
  ]);
  assert.deepEqual([...folded].sort(), [...archived].sort());
});

test('an archive no live/ link points into stays files of their own', () => {
  assert.deepEqual(foldedArchiveFiles([], archived).size, 0);
  const elsewhere = [
    { path: `${le}/live/shop.test/cert.pem`, linkTarget: `${le}/archive/other.test/cert1.pem` },
  ];
  assert.deepEqual(foldedArchiveFiles(elsewhere, archived).size, 0);
});
