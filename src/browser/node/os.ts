/** node:os in the browser build: the CPU count is the browser's `navigator.hardwareConcurrency`. */
const cores = () => Math.max(1, (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1);
export const availableParallelism = cores;
export const cpus = () => Array.from({ length: cores() }, () => ({}));
export const homedir = () => '/';
export const tmpdir = () => '/tmp';
export default { availableParallelism, cpus, homedir, tmpdir };
