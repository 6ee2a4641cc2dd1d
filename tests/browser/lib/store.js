// What the form service's store holds, read with the staff command the step script names.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The records of form `form` in the store behind `site`'s form service. */
export async function records(site, form) {
  if (!Array.isArray(site.store)) throw new Error(`no store command for the ${site.name} site`);
  const [command, ...args] = site.store;
  const { stdout } = await run(command, [...args, form], { maxBuffer: 64 << 20 });
  const text = stdout.trim();
  if (!text) return [];
  if (text.startsWith('[')) return JSON.parse(text);
  return text.split('\n').filter((line) => line.trim());
}
