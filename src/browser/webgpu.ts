/** The npm `webgpu` package (Dawn for Node) in the browser build: not needed, a page has navigator.gpu. */
export const create = (): never => {
  throw new Error('the browser build uses navigator.gpu');
};
export const globals = {};
