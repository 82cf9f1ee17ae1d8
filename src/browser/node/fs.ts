/** node:fs in the browser build: there are no files; reading one is an error that says so. */
const noFiles = (what: string) => (): never => {
  throw new Error(`${what}: the browser build reads no files (pass data inline, e.g. parseCsv)`);
};
export const existsSync = (): boolean => false;
export const statSync = noFiles('statSync');
export const readFileSync = noFiles('readFileSync');
export const readdirSync = noFiles('readdirSync');
export const writeFileSync = noFiles('writeFileSync');
export const mkdirSync = noFiles('mkdirSync');
export const renameSync = noFiles('renameSync');
export default { existsSync, statSync, readFileSync, readdirSync, writeFileSync, mkdirSync, renameSync };
