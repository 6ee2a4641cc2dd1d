// The Nu HTML Checker (vnu.jar from the vnu-jar package), run with the machine's Java.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

const require = createRequire(import.meta.url);
const VNU_JAR = require('vnu-jar');
const run = promisify(execFile);

/**
 * Checks HTML files and resolves to their errors: `[{ file, line, column, message, extract }]`.
 * Rejects when the checker itself cannot run.
 */
export async function htmlErrors(files) {
  if (files.length === 0) return [];
  let stderr;
  try {
    ({ stderr } = await run('java', ['-Xss4m', '-jar', VNU_JAR, '--errors-only', '--format', 'json', ...files], { maxBuffer: 64 << 20 }));
  } catch (error) {
    // vnu exits 1 when it found errors; its report is still on stderr.
    if (typeof error.stderr !== 'string' || !error.stderr.trim().startsWith('{')) throw error;
    stderr = error.stderr;
  }
  const report = JSON.parse(stderr);
  return report.messages
    .filter((m) => m.type === 'error' || m.subType === 'fatal')
    .map((m) => ({
      file: decodeURIComponent((m.url ?? '').replace(/^file:/, '')),
      line: m.lastLine,
      column: m.firstColumn ?? m.lastColumn,
      message: m.message,
      extract: m.extract,
    }));
}
