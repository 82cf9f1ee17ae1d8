/** node:url in the browser build. */
export const fileURLToPath = (u: URL | string) => String(u).replace(/^file:\/\//, '');
export const pathToFileURL = (p: string) => new URL(`file://${p}`);
export default { fileURLToPath, pathToFileURL };
