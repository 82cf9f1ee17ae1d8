/** node:module in the browser build: nothing is required at run time (src/lazy.browser.ts imports what is bundled). */
export const createRequire = () => (name: string): never => {
  throw new Error(`${name} is not part of the browser build`);
};
export default { createRequire };
