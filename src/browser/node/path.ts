/** node:path in the browser build (only joins are needed, for names that are never opened). */
export const join = (...parts: string[]) => parts.filter(Boolean).join('/').replace(/\/+/g, '/');
export const dirname = (p: string) => p.replace(/\/[^/]*$/, '') || '/';
export const basename = (p: string) => p.replace(/^.*\//, '');
export default { join, dirname, basename };
