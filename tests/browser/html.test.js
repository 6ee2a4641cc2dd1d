// Every HTML file of every built site passes the Nu HTML Checker with no error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sites } from './lib/setup.js';
import { htmlErrors } from './lib/vnu.js';

function htmlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

for (const site of sites()) {
  test(`${site.name} site: every HTML file is valid (Nu HTML Checker)`, async () => {
    const files = htmlFiles(site.root);
    assert.ok(files.length > 0, `no HTML file in ${site.root}`);
    const errors = await htmlErrors(files);
    const report = errors.map((e) => `${relative(site.root, e.file)}:${e.line}:${e.column}: ${e.message}\n    ${e.extract}`);
    assert.deepEqual(report, [], `${errors.length} error(s):\n${report.join('\n')}`);
  });
}
