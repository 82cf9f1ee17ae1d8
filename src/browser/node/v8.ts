/** node:v8 in the browser build: V8 flags cannot be set from a page (the engine's --no-liftoff is Node-only). */
export const setFlagsFromString = (_flags: string): void => {};
export default { setFlagsFromString };
