import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nameLabels } from './name-labels.js';

test("a printed name gives the exporter's labels with the values Go's pkix.Name takes", () => {
  const cases: Array<[string, string, Record<string, string>]> = [
    [
      'every exported attribute',
      'CN=web.corp.example, OU=Web, O=Corp, street=Hauptstr. 1, L=Berlin, C=DE',
      {
        subject_C: 'DE',
        subject_ST: 'Hauptstr. 1',
        subject_L: 'Berlin',
        subject_O: 'Corp',
        subject_OU: 'Web',
        subject_CN: 'web.corp.example',
      },
    ],
    // The exporter's _ST is the street address (collector.go: StreetAddress[0]); the province has no label.
    ['ST is the street, not the province', 'CN=a, ST=Berlin, C=DE', { subject_C: 'DE', subject_CN: 'a' }],
    ['only the attributes the name has', 'CN=old\\, legacy', { subject_CN: 'old, legacy' }],
    ['no attributes', '', {}],
    // Encoded order is the printed order reversed: the first O encoded is printed last; the last CN printed first.
    [
      'the first O encoded, the last CN',
      'CN=b, CN=a, O=Second, O=First',
      { subject_O: 'First', subject_CN: 'b' },
    ],
    ['a multi-valued RDN', 'CN=x+O=Corp\\+Co', { subject_O: 'Corp+Co', subject_CN: 'x' }],
    ['escapes: hex and characters', 'CN=\\#a\\0Ab\\\\c', { subject_CN: '#a\nb\\c' }],
    ['a value that is not a string is skipped', 'CN=#0c0161, O=Corp', { subject_O: 'Corp' }],
    ['types the exporter does not name', 'CN=a, DC=example, 2.5.4.97=VATDE-1', { subject_CN: 'a' }],
  ];
  for (const [what, name, expected] of cases) assert.deepEqual(nameLabels('subject', name), expected, what);
  assert.deepEqual(nameLabels('issuer', 'CN=Root, O=Corp'), { issuer_O: 'Corp', issuer_CN: 'Root' });
});
